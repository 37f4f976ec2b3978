package dev.mags.agent;

import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import dev.mags.agent.process.FakeStandbyProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A host for unit tests: mount and umount edit a fake mount table, mkfs and losetup succeed,
 * {@code runc create} starts a real {@code sleep} as the container's init (so that the agent's pid
 * checks and SIGKILL work on a harmless process) and writes its state file, and {@code runc exec}
 * records the process file it is given ({@link #execProcesses}) and answers with the process
 * {@link #execResponder} returns; while that one runs, another real
 * {@code sleep} stands in for the command (it receives the agent's SIGTERM). Killing the init ends
 * the command, as the end of a PID namespace would. {@link #close()} kills what is left.
 */
final class FakeHost implements AutoCloseable {
    final Path dir;
    final Path cgroupRoot;
    final Path mountInfo;
    final Path sysBlock;
    final FakeProcessLauncher launcher = new FakeProcessLauncher();
    final Map<String, Process> inits = new ConcurrentHashMap<>();
    final Map<String, Process> commands = new ConcurrentHashMap<>();
    /** The contents of each exec's process file, by container id. */
    final Map<String, String> execProcesses = new ConcurrentHashMap<>();
    volatile Function<List<String>, FakeProcess> execResponder = argv -> FakeProcess.hangs();
    volatile FakeProcess mountResult = FakeProcess.succeeds("");
    volatile FakeProcess createResult = FakeProcess.succeeds("");

    FakeHost(Path dir) throws IOException {
        this.dir = dir;
        this.cgroupRoot = Files.createDirectories(dir.resolve("cgroup"));
        this.sysBlock = Files.createDirectories(dir.resolve("sys-block"));
        this.mountInfo = dir.resolve("mountinfo");
        Files.writeString(mountInfo, "27 1 254:0 / / rw - ext4 /dev/vda rw\n");
        launcher.respond(this::respond);
    }

    HostAccess access() {
        return new HostAccess(launcher, cgroupRoot, mountInfo, sysBlock);
    }

    /** Defaults with no warm pool; tests that want one set it. */
    AgentConfig config() {
        return AgentConfig.defaults(dir.resolve("data"), dir.resolve("images")).withWarmPool(WarmPoolConfig.disabled());
    }

    /** Makes image {@code name} exist, as a finished build would. */
    void image(String name) throws IOException {
        Path image = Files.createDirectories(dir.resolve("images").resolve(name).resolve("rootfs"));
        Files.writeString(image.resolveSibling("image.json"),
                "{\"name\":\"" + name + "\",\"built_at\":\"2026-01-01T00:00:00Z\",\"size_bytes\":1,\"id_offset\":100000}");
    }

    private Process respond(List<String> argv) {
        try {
            return switch (argv.get(0)) {
                case "mount" -> mount(argv);
                case "umount" -> umount(argv.get(argv.size() - 1));
                case "mkfs.ext4", "losetup" -> FakeProcess.succeeds("");
                default -> runtime(argv);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized Process mount(List<String> argv) throws IOException {
        if (mountResult.exitValue() == 0) {
            boolean loop = argv.contains("ext4");
            String line = "90 27 0:50 / " + argv.get(argv.size() - 1) + " rw - " + (loop ? "ext4 /dev/loop9" : "overlay "
                    + argv.get(argv.size() - 2)) + " rw\n";
            writeMountInfo(Files.readString(mountInfo) + line);
        }
        return mountResult;
    }

    private synchronized Process umount(String target) throws IOException {
        List<String> kept = Files.readAllLines(mountInfo).stream().filter(l -> !l.contains(" " + target + " ")).toList();
        writeMountInfo(String.join("\n", kept) + "\n");
        return FakeProcess.succeeds("");
    }

    /** Replaces the table in one step, as the kernel's is: sandboxes built and released at once read it meanwhile. */
    private void writeMountInfo(String table) throws IOException {
        Path next = mountInfo.resolveSibling("mountinfo.next");
        Files.writeString(next, table);
        Files.move(next, mountInfo, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Process runtime(List<String> argv) throws IOException {
        Path root = Path.of(argv.get(2));
        String id = argv.get(argv.size() - 1);
        if (argv.contains("create")) {
            if (createResult.exitValue() == 0) {
                create(root, id);
            }
            return createResult;
        }
        if (argv.contains("exec")) {
            return exec(argv);
        }
        if (argv.contains("delete")) {
            if (argv.contains("--force")) {
                kill(id);
            }
            deleteState(root.resolve(id));
            return FakeProcess.succeeds("");
        }
        if (argv.contains("kill")) {
            String signal = argv.get(argv.size() - 1);
            String container = argv.get(argv.size() - 2);
            if (!inits.containsKey(container)) {
                return FakeProcess.exits(1, "", "container does not exist");
            }
            if (signal.equals("KILL")) {
                kill(container);
            }
            return FakeProcess.succeeds("");
        }
        if (argv.contains("list")) {
            return FakeProcess.succeeds("null");
        }
        return FakeProcess.succeeds(""); // start
    }

    private void create(Path root, String id) throws IOException {
        Process init = new ProcessBuilder("sleep", "1000").start();
        inits.put(id, init);
        Files.createDirectories(root.resolve(id));
        Files.writeString(root.resolve(id).resolve("state.json"), "{\"init_process_pid\":" + init.pid()
                + ",\"init_process_start\":" + startTime(init.pid()) + "}");
        init.onExit().thenRun(() -> {
            Process command = commands.remove(id);
            if (command != null) {
                command.destroyForcibly();
            }
        });
    }

    private Process exec(List<String> argv) throws IOException {
        String container = argv.get(argv.size() - 1);
        String processFile = Files.readString(Path.of(argv.get(argv.indexOf("--process") + 1)));
        execProcesses.put(container, processFile);
        Process process = processFile.contains("mags-standby")
                ? standby(container, new FakeStandbyProcess(() -> execResponder.apply(argv)))
                : execResponder.apply(argv);
        if (process.isAlive()) {
            Process command = new ProcessBuilder("sleep", "1000").start();
            commands.put(container, command);
            command.onExit().thenRun(process::destroy);
            Files.writeString(Path.of(argv.get(argv.indexOf("--pid-file") + 1)), Long.toString(command.pid()));
        }
        return process;
    }

    /** The standby shells started, by container id. */
    final Map<String, FakeStandbyProcess> standbys = new ConcurrentHashMap<>();

    private Process standby(String container, FakeStandbyProcess process) {
        standbys.put(container, process);
        return process;
    }

    private void kill(String id) {
        Process init = inits.remove(id);
        if (init != null) {
            init.destroyForcibly();
            init.onExit().join();
        }
    }

    private static long startTime(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
    }

    private static void deleteState(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve("state.json"));
        Files.deleteIfExists(dir);
    }

    /** Writes the runtime's JSON error log the way runc does when it cannot start a command. */
    static void writeRuntimeError(List<String> argv, String message) {
        Path log = Path.of(argv.get(argv.indexOf("--log") + 1));
        try {
            Files.writeString(log, "{\"level\":\"error\",\"msg\":\"" + message + "\",\"time\":\"t\"}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean mounted(String pathPart) throws IOException {
        return Files.readString(mountInfo).contains(pathPart);
    }

    /**
     * Real processes the agent left running. A process the agent killed may still wait to be reaped
     * by the JDK for a moment, so each gets a few seconds to end.
     */
    List<Process> liveProcesses() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        return Stream.concat(inits.values().stream(), commands.values().stream())
                .filter(p -> !awaitEnd(p, deadline))
                .toList();
    }

    private static boolean awaitEnd(Process process, long deadline) {
        try {
            return process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        inits.values().forEach(Process::destroyForcibly);
        commands.values().forEach(Process::destroyForcibly);
    }
}
