package dev.mags.agent;

import dev.mags.agent.security.InotifyLimits;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the host's inotify limits for root ({@code fs.inotify.max_user_instances} and
 * {@code max_user_watches}) above what the agent's sandboxes may take plus root's own use. The kernel
 * counts each sandbox's instances and watches, all its users together, against host root, the creator of
 * its user namespaces; each sandbox is held to {@link InotifyLimits} (see {@code SandboxUserNamespaces}), so
 * with room for every sandbox's share no sandbox can leave another, or root's own processes, without.
 *
 * <p>The agent raises them rather than refusing to start: on a server that runs sandboxes the need follows
 * from the number of sandboxes, which the operator does not know in advance. It raises in steps of
 * {@link #STEP} sandboxes, never lowers, and logs each raise. Raising is safe because the kernel charges
 * what the instances and watches cost to the memory cgroup of whoever made them: a sandbox pays for its own
 * within its memory limit. The limits are per user, so every host account gets the higher ones too.
 */
final class HostInotifyLimits {
    private static final Logger log = LoggerFactory.getLogger(HostInotifyLimits.class);
    /** Sandboxes covered per raise: a step covers what a small host holds, so most hosts raise once, at start. */
    static final int STEP = 64;
    /** Left for root's own processes beyond the sandboxes' shares: the kernel's default per user. */
    static final long ROOT_INSTANCES = 128;
    /** Likewise: the kernel's smallest default (it scales the default with memory, from 8192 up). */
    static final long ROOT_WATCHES = 8192;
    static final String INSTANCES = "fs.inotify.max_user_instances";
    static final String WATCHES = "fs.inotify.max_user_watches";

    private final Path procSys;
    private final InotifyLimits perSandbox;
    private int covered;

    /** @param procSys normally {@code /proc/sys} */
    HostInotifyLimits(Path procSys, InotifyLimits perSandbox) {
        this.procSys = Objects.requireNonNull(procSys, "procSys");
        this.perSandbox = Objects.requireNonNull(perSandbox, "perSandbox");
    }

    /** A raise: the sysctl, its value before and after. */
    record Raise(String sysctl, long from, long to) {
        @Override
        public String toString() {
            return sysctl + " from " + from + " to " + to;
        }
    }

    /**
     * Makes room for {@code sandboxes} sandboxes (rounded up to a step) and root's own use.
     *
     * @return what it raised; empty when the host's limits already sufficed
     * @throws IllegalStateException if a limit is too low and cannot be raised, naming the sysctl to set
     */
    synchronized List<Raise> roomFor(int sandboxes) {
        if (sandboxes <= covered) {
            return List.of();
        }
        int target = Math.ceilDiv(Math.max(sandboxes, 1), STEP) * STEP;
        List<Raise> raised = new ArrayList<>();
        raise(INSTANCES, needed(ROOT_INSTANCES, perSandbox.instances(), target)).ifPresent(raised::add);
        raise(WATCHES, needed(ROOT_WATCHES, perSandbox.watches(), target)).ifPresent(raised::add);
        covered = target;
        if (!raised.isEmpty()) {
            log.info("raised {}: the kernel counts every sandbox's inotify instances and watches against host root;"
                    + " room for {} sandboxes of {} each, plus {} instances and {} watches for root's own processes",
                    String.join(" and ", raised.stream().map(Raise::toString).toList()), target, perSandbox,
                    ROOT_INSTANCES, ROOT_WATCHES);
        }
        return raised;
    }

    /** Root's own plus {@code sandboxes} shares, within the int the kernel keeps it in. */
    static long needed(long root, long share, int sandboxes) {
        return Math.min(Integer.MAX_VALUE, root + share * sandboxes);
    }

    private Optional<Raise> raise(String sysctl, long needed) {
        Path file = procSys.resolve(sysctl.replace('.', '/'));
        long current;
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            // One read: a sysctl answers only the first.
            current = Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read " + sysctl + " (" + file + "): " + e.getMessage()
                    + "; the agent needs it at " + needed + " or more", e);
        }
        if (current >= needed) {
            return Optional.empty();
        }
        try (FileOutputStream out = new FileOutputStream(file.toFile())) {
            out.write((needed + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalStateException("cannot raise " + sysctl + " from " + current + " to " + needed + " ("
                    + e.getMessage() + "): the kernel counts every sandbox's inotify use against host root; set it on"
                    + " the host (sysctl -w " + sysctl + "=" + needed + ") and start again", e);
        }
        return Optional.of(new Raise(sysctl, current, needed));
    }
}
