package dev.mags.agent.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this process the parent of what the container runtime leaves behind, and reaps it. {@code runc run --detach}
 * and {@code runc exec --detach} exit once their process runs, so a sandbox's init and the process of every exec
 * lose their parent; the kernel hands them to the nearest ancestor that is a child subreaper, else to the host's
 * init. An init that does not reap (pid 1 of many containers, or one that reaps late) kept a zombie per exec and per
 * sandbox, and the init of a stopped sandbox cannot finish dying while a process of its pid namespace waits to be
 * reaped. As a subreaper this process gets them, and {@link #sweep} reaps those that have ended.
 *
 * <p>Only processes in a pid namespace below this process's own are reaped: the agent starts none there itself (the
 * runtime makes them, then exits), so the exit status of every process the agent started and waits for
 * ({@link ProcessBuilder}, {@link Spawned#waitFor}) stays its owner's.
 */
public final class OrphanReaper {
    private static final Logger log = LoggerFactory.getLogger(OrphanReaper.class);
    private static final int ECHILD = 10;
    /** PF_EXITING in /proc/PID/stat's flags: on its way out (a sandbox's init waits so for its namespace). */
    private static final long EXITING = 0x4;

    private final Path proc;
    private final long self;
    private final int ownDepth;

    private OrphanReaper(Path proc, long self, int ownDepth) {
        this.proc = proc;
        this.self = self;
        this.ownDepth = ownDepth;
    }

    /**
     * Makes this process a child subreaper ({@code prctl(PR_SET_CHILD_SUBREAPER)}); it stays one for its life.
     *
     * @throws IllegalStateException when the kernel refuses
     */
    public static OrphanReaper adopt() {
        try {
            NativeIo.prctl(NativeIo.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        } catch (LastErrorException e) {
            throw new IllegalStateException("prctl(PR_SET_CHILD_SUBREAPER) failed: errno " + e.getErrorCode(), e);
        }
        Path proc = Path.of("/proc");
        long self = ProcessHandle.current().pid();
        // Without NSpid (kernels before 4.1) nothing tells a sandbox's process from one of ours: none is reaped.
        return new OrphanReaper(proc, self, depth(proc, self).orElse(Integer.MAX_VALUE));
    }

    /** Reaps the ended sandbox processes among this process's children; returns how many. Never throws. */
    public int sweep() {
        try {
            if (!anyChildEnded()) {
                return 0;
            }
            int reaped = 0;
            for (Child c : sandboxChildren()) {
                if (c.state() == 'Z' && reap(c.pid())) {
                    reaped++;
                }
            }
            return reaped;
        } catch (RuntimeException e) {
            log.warn("reaping ended sandbox processes failed; trying again at the next sweep", e);
            return 0;
        }
    }

    /**
     * Sweeps until no sandbox process among this process's children has ended or is on its way out, at most
     * {@code max}: for the agent's close, once its sandboxes were released, so that nothing is left for this
     * process's parent. A stopped sandbox's init finishes dying only once its namespace's processes were reaped,
     * and is then one more to reap.
     */
    public void drain(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            sweep();
            List<Child> left = sandboxChildren().stream().filter(c -> c.state() == 'Z' || (c.flags() & EXITING) != 0).toList();
            if (left.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                log.warn("sandbox processes still ending after {}: {}", max, left);
                return;
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    /**
     * Reaps {@code pid}, a short-lived process of a sandbox that the runtime started and this process adopted, as
     * soon as it has ended (at most {@code wait}), rather than at the next sweep: its pid namespace's init cannot
     * finish dying while it waits. Nothing happens when it is no child of this process (no subreaper here).
     */
    public static void reapWhenEnded(long pid, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                if (NativeIo.waitpid((int) pid, new int[1], NativeIo.WNOHANG | NativeIo.WALL) == pid) {
                    return;
                }
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ECHILD) {
                    return;
                }
                throw e;
            }
            if (System.nanoTime() > deadline) {
                return; // the sweep reaps it
            }
            LockSupport.parkNanos(500_000);
        }
    }

    /** A cheap look, without reaping: whether any child at all has ended. */
    private static boolean anyChildEnded() {
        try (Memory info = new Memory(NativeIo.SIGINFO_BYTES)) {
            info.clear();
            NativeIo.waitid(NativeIo.P_ALL, 0, info,
                    NativeIo.WEXITED | NativeIo.WNOHANG | NativeIo.WNOWAIT | NativeIo.WALL);
            return info.getInt(NativeIo.SIGINFO_PID_OFFSET) != 0;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ECHILD) {
                return false; // no children at all
            }
            throw e;
        }
    }

    /** Whether {@code pid}, an ended child of ours, was reaped here (not by another sweep meanwhile). */
    private static boolean reap(long pid) {
        try {
            return NativeIo.waitpid((int) pid, new int[1], NativeIo.WNOHANG | NativeIo.WALL) == pid;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ECHILD) {
                return false;
            }
            throw e;
        }
    }

    private record Child(long pid, char state, long flags) {}

    /** This process's children that live in a pid namespace below its own: processes of sandboxes. */
    private List<Child> sandboxChildren() {
        List<Child> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(proc)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                stat(entry).filter(s -> s.ppid == self).ifPresent(s -> {
                    long pid = Long.parseLong(name);
                    if (depth(proc, pid).orElse(0) > ownDepth) {
                        found.add(new Child(pid, s.state, s.flags));
                    }
                });
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + proc, e);
        }
        return found;
    }

    private record Stat(char state, long ppid, long flags) {}

    private static Optional<Stat> stat(Path dir) {
        try {
            String line = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
            // "pid (comm) S ppid ...": the name may hold spaces and parentheses; the state follows the last ')'.
            String[] rest = line.substring(line.lastIndexOf(')') + 2).strip().split(" ");
            return Optional.of(new Stat(rest[0].charAt(0), Long.parseLong(rest[1]), Long.parseUnsignedLong(rest[6])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone meanwhile
        }
    }

    /** How many pid namespaces {@code pid} is seen in, from ours down to its own (its NSpid line). */
    private static Optional<Integer> depth(Path proc, long pid) {
        try {
            return Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("status"), StandardCharsets.ISO_8859_1)
                    .stream().filter(l -> l.startsWith("NSpid:"))
                    .map(l -> l.substring("NSpid:".length()).strip().split("\\s+").length).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
