package dev.mags.agent.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Finds slirp4netns processes of sandboxes by their command line: the API socket lies in the
 * sandbox's directory ({@code <sandboxesDir>/<sandboxId>/...}), so a restarted agent can tell which
 * ones are its own and whose they are, and kill those of sandboxes it does not keep. Processes
 * whose socket lies anywhere else are never touched.
 */
public final class NetworkReaper {
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    /** One slirp4netns process found on the host. */
    public record SlirpInstance(long pid, String sandboxId, Path apiSocket) {}

    /** The sandboxes whose slirp4netns was killed, and what could not be, each described for an operator. */
    public record Reaped(List<String> sandboxIds, List<String> problems) {}

    private final Path proc;
    private final LongConsumer kill;

    public NetworkReaper() {
        this(Path.of("/proc"), pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    /**
     * @param proc normally {@code /proc}; a directory in tests
     * @param kill sends SIGKILL to a pid
     */
    public NetworkReaper(Path proc, LongConsumer kill) {
        this.proc = Objects.requireNonNull(proc, "proc");
        this.kill = Objects.requireNonNull(kill, "kill");
    }

    /** Every slirp4netns whose API socket lies below {@code sandboxesDir}, by pid. */
    public List<SlirpInstance> find(Path sandboxesDir) {
        Path root = sandboxesDir.toAbsolutePath().normalize();
        List<SlirpInstance> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(proc)) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                long pid = Long.parseLong(entry.getFileName().toString());
                instanceOf(pid, root).ifPresent(found::add);
            }
        } catch (IOException e) {
            throw new NetworkException("cannot list processes in " + proc + ": " + e, e);
        }
        found.sort((a, b) -> Long.compare(a.pid(), b.pid()));
        return found;
    }

    /** One line per slirp4netns of a sandbox under {@code sandboxesDir}, for {@code HostLeaks}. */
    public List<String> leaks(Path sandboxesDir) {
        return find(sandboxesDir).stream()
                .map(s -> "slirp4netns pid " + s.pid() + " of sandbox " + s.sandboxId() + " (API socket " + s.apiSocket() + ")")
                .toList();
    }

    /**
     * Kills every slirp4netns of a sandbox under {@code sandboxesDir} that is not in {@code keep} and
     * removes its API socket. Keeps going past failures and reports each one.
     */
    public Reaped reap(Path sandboxesDir, Set<String> keep) {
        Set<String> reaped = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        Path root = sandboxesDir.toAbsolutePath().normalize();
        for (SlirpInstance s : find(sandboxesDir)) {
            if (keep.contains(s.sandboxId())) {
                continue;
            }
            // Check again right before the signal: the pid must still be that slirp4netns.
            if (!instanceOf(s.pid(), root).equals(Optional.of(s))) {
                continue;
            }
            kill.accept(s.pid());
            if (!awaitGone(s.pid())) {
                problems.add("sandbox " + s.sandboxId() + ": slirp4netns pid " + s.pid() + " still runs "
                        + KILL_WAIT.toSeconds() + " s after SIGKILL");
                continue;
            }
            try {
                Files.deleteIfExists(s.apiSocket());
                reaped.add(s.sandboxId());
            } catch (IOException e) {
                problems.add("sandbox " + s.sandboxId() + ": cannot remove " + s.apiSocket() + ": " + e);
            }
        }
        return new Reaped(List.copyOf(reaped), problems);
    }

    private Optional<SlirpInstance> instanceOf(long pid, Path sandboxesDir) {
        List<String> argv = cmdline(pid);
        return Slirp4netns.apiSocketOf(argv)
                .map(socket -> socket.toAbsolutePath().normalize())
                .filter(socket -> socket.startsWith(sandboxesDir))
                .filter(socket -> sandboxesDir.relativize(socket).getNameCount() >= 2)
                .map(socket -> new SlirpInstance(pid, sandboxesDir.relativize(socket).getName(0).toString(), socket));
    }

    private List<String> cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(proc.resolve(Long.toString(pid)).resolve("cmdline"));
            if (raw.length == 0) {
                return List.of(); // kernel thread, or a zombie
            }
            String text = new String(raw, StandardCharsets.UTF_8);
            if (text.endsWith("\0")) {
                text = text.substring(0, text.length() - 1);
            }
            return Arrays.asList(text.split("\0", -1));
        } catch (IOException e) {
            return List.of(); // gone meanwhile, or not ours to read
        }
    }

    /** Whether the process has ended; a zombie has (it only waits for its parent to collect it). */
    private boolean running(long pid) {
        try {
            String stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"));
            // "pid (comm) S ...": the comm may hold spaces and parentheses, the state follows the last ')'.
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return Files.exists(proc.resolve(Long.toString(pid)));
        }
    }

    private boolean awaitGone(long pid) {
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        while (running(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(5_000_000);
        }
        return true;
    }
}
