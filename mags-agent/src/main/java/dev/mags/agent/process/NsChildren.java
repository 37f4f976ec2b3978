package dev.mags.agent.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Finds a process of a sandbox by the pid it has in the sandbox's own pid namespace, among the children of the
 * sandbox's init (where an orphan of the sandbox goes): the kernel's children list of the init, then each
 * child's {@code NSpid} line, whose last number is its pid in the innermost namespace.
 */
public final class NsChildren {
    private static final Duration POLL = Duration.ofMillis(1);

    private NsChildren() {}

    /**
     * The child of {@code initPid} whose innermost pid is {@code nsPid}, looked for until {@code wait} passes (a
     * process whose parent has just exited is reparented to the init a moment later).
     */
    public static Optional<ProcessHandle> find(long initPid, long nsPid, Duration wait) throws InterruptedException {
        return findChild(initPid, pid -> innermostPid(pid) == nsPid, wait);
    }

    /**
     * The child of {@code initPid} whose argv is {@code argv}, looked for until {@code wait} passes (a process
     * started detached is reparented to the init as its starter exits).
     */
    public static Optional<ProcessHandle> findByArgv(long initPid, List<String> argv, Duration wait)
            throws InterruptedException {
        byte[] wanted = String.join("\0", argv).concat("\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return findChild(initPid, pid -> {
            try {
                return java.util.Arrays.equals(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                        wanted);
            } catch (IOException e) {
                return false; // ended meanwhile
            }
        }, wait);
    }

    /** The first child of {@code initPid} that {@code matches}, read from the kernel's list until {@code wait}. */
    private static Optional<ProcessHandle> findChild(long initPid, java.util.function.LongPredicate matches,
            Duration wait) throws InterruptedException {
        Path children = Path.of("/proc", Long.toString(initPid), "task", Long.toString(initPid), "children");
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            String list;
            try {
                list = Files.readString(children).strip();
            } catch (IOException e) {
                return Optional.empty(); // the init is gone
            }
            for (String child : list.isEmpty() ? new String[0] : list.split(" ")) {
                long pid = Long.parseLong(child);
                if (matches.test(pid)) {
                    return ProcessHandle.of(pid);
                }
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            Thread.sleep(POLL);
        }
    }

    /** The last number of {@code pid}'s NSpid line; -1 when it is gone or the kernel has no such line. */
    static long innermostPid(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] pids = line.substring("NSpid:".length()).strip().split("\\s+");
                    return Long.parseLong(pids[pids.length - 1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // ended meanwhile
        }
        return -1;
    }
}
