package dev.mags.agent;

import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A host for unit tests: mount and umount edit a fake mount table, mkfs and losetup succeed,
 * {@code runc run} starts real harmless processes shaped like the container's init and its standby shell
 * (so that the agent's pid checks and signals work) and writes its state file, and a thread plays the
 * standby shell on the sandbox's FIFOs, answering a handed job ({@link #handed}) with the process
 * {@link #execResponder} returns. {@code runc exec} records the process file it is given
 * ({@link #execProcesses}) and answers the same way; while that one runs, another real
 * {@code sleep} stands in for the command (it receives the agent's SIGTERM). Killing the init ends
 * the command, as the end of a PID namespace would. {@link #close()} kills what is left.
 */
final class FakeHost implements AutoCloseable {
    final Path dir;
    final Path cgroupRoot;
    final Path mountInfo;
    final Path sysBlock;
    /** Stands for /proc: the host's inotify sysctls, and the id maps of the fake user namespace holder. */
    final Path proc;
    final FakeProcessLauncher launcher = new FakeProcessLauncher();
    final Map<String, Process> inits = new ConcurrentHashMap<>();
    final Map<String, Process> commands = new ConcurrentHashMap<>();
    /** The contents of each exec's process file, by container id. */
    final Map<String, String> execProcesses = new ConcurrentHashMap<>();
    volatile Function<List<String>, FakeProcess> execResponder = argv -> FakeProcess.hangs();
    volatile FakeProcess mountResult = FakeProcess.succeeds("");
    volatile FakeProcess createResult = FakeProcess.succeeds("");
    /** Whether {@code runc run} puts the init into the user namespace the bundle names (as the real one does). */
    volatile boolean joinsTheUserNamespace = true;

    FakeHost(Path dir) throws IOException {
        this.dir = dir;
        this.cgroupRoot = Files.createDirectories(dir.resolve("cgroup"));
        this.sysBlock = Files.createDirectories(dir.resolve("sys-block"));
        this.mountInfo = dir.resolve("mountinfo");
        Files.writeString(mountInfo, "27 1 254:0 / / rw - ext4 /dev/vda rw\n");
        this.proc = dir.resolve("proc");
        Path inotify = Files.createDirectories(proc.resolve("sys/fs/inotify"));
        Files.writeString(inotify.resolve("max_user_instances"), "128\n");
        Files.writeString(inotify.resolve("max_user_watches"), "8192\n");
        Path holder = Files.createDirectories(proc.resolve(Long.toString(FakeProcess.succeeds("").pid())));
        Files.writeString(holder.resolve("uid_map"), "");
        Files.writeString(holder.resolve("gid_map"), "");
        userNamespace(FAKE_USERNS_PID);
        launcher.respond(this::respond);
    }

    HostAccess access() {
        return new HostAccess(launcher, cgroupRoot, mountInfo, sysBlock, proc);
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
                // the user namespace holder: the outer namespace made, then the pid of the sandbox's namespace
                case "/bin/busybox" -> FakeProcess.succeeds("\n" + FAKE_USERNS_PID + "\n");
                default -> runtime(argv);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pid the fake holder names; every fake init is in its namespace, as if the runtime had joined it. */
    static final long FAKE_USERNS_PID = 424242;
    private static final Path FAKE_USERNS = Path.of("user:[4026599999]");

    /** Puts process {@code pid} of the fake /proc into the fake holder's user namespace. */
    private void userNamespace(long pid) throws IOException {
        Path ns = Files.createDirectories(proc.resolve(Long.toString(pid)).resolve("ns"));
        Files.deleteIfExists(ns.resolve("user"));
        Files.createSymbolicLink(ns.resolve("user"), FAKE_USERNS);
    }

    private synchronized Process mount(List<String> argv) throws IOException {
        if (mountResult.exitValue() == 0) {
            String type = argv.get(argv.indexOf("-t") + 1);
            String source = type.equals("ext4") ? "/dev/loop9" : argv.get(argv.size() - 2);
            String line = "90 27 0:50 / " + argv.get(argv.size() - 1) + " rw - " + type + " " + source + " rw\n";
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
        if (argv.contains("run")) {
            if (createResult.exitValue() == 0) {
                create(root, id, Path.of(argv.get(argv.indexOf("--bundle") + 1)));
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

    /**
     * The init: a real process tree shaped like the real one while its standby shell waits (an init whose
     * only child is a reporting shell, whose child stands for the command and receives the agent's SIGTERM),
     * and a thread that plays the standby shell on the sandbox's FIFOs.
     */
    private void create(Path root, String id, Path bundle) throws IOException {
        Process init = new ProcessBuilder("sh", "-c", "sh -c 'sleep 1000; :' mags-command; exec sleep 1000").start();
        inits.put(id, init);
        if (joinsTheUserNamespace) {
            userNamespace(init.pid());
        }
        Files.createDirectories(root.resolve(id));
        Files.writeString(root.resolve(id).resolve("state.json"), "{\"init_process_pid\":" + init.pid()
                + ",\"init_process_start\":" + startTime(init.pid()) + "}");
        List<ProcessHandle> family = family(init);
        init.onExit().thenRun(() -> {
            family.forEach(ProcessHandle::destroyForcibly); // as the end of a PID namespace would
            Process command = commands.remove(id);
            if (command != null) {
                command.destroyForcibly();
            }
        });
        Matcher marker = MARKER.matcher(Files.readString(bundle.resolve("config.json")));
        if (marker.find()) {
            Thread.ofPlatform().daemon().name("fake-standby-" + id).start(
                    () -> playStandby(id, init, bundle.resolveSibling("binds").resolve("io"), marker.group()));
        }
    }

    private static final Pattern MARKER = Pattern.compile("mags-exit-[0-9a-f]+");

    /** The init's reporting shell and its command, once both run (killed with the init, as in a PID namespace). */
    private static List<ProcessHandle> family(Process init) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> all = init.descendants().toList();
            if (all.size() >= 2) {
                return all;
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("the fake init did not start its reporting shell");
    }

    /** The texts handed to each container's standby shell, by container id ("" when it was dismissed). */
    final Map<String, String> handed = new ConcurrentHashMap<>();

    /**
     * Opens the FIFOs in the reporting shell's order, reads the job, and answers with what
     * {@link #execResponder} returns for {@code ["standby", id]} (an empty job: exit 0), ending it early
     * when its stand-in command is killed; then prints the marker line with the exit code.
     */
    private void playStandby(String id, Process init, Path io, String marker) {
        try (InputStream in = new FileInputStream(io.resolve("in").toFile());
                OutputStream out = new FileOutputStream(io.resolve("out").toFile());
                OutputStream err = new FileOutputStream(io.resolve("err").toFile())) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            handed.put(id, text);
            Optional<ProcessHandle> reporter = init.children().findFirst();
            Optional<ProcessHandle> command = reporter.flatMap(r -> r.children().findFirst());
            Process job = text.isEmpty() ? FakeProcess.exits(0, "", "") : execResponder.apply(List.of("standby", id));
            command.ifPresent(c -> c.onExit().thenRun(job::destroy));
            init.onExit().thenRun(job::destroy); // the command dies with its PID namespace
            job.getInputStream().transferTo(out);
            job.getErrorStream().transferTo(err);
            int code = job.waitFor();
            err.write((marker + " " + code + "\n").getBytes(StandardCharsets.UTF_8));
            command.ifPresent(ProcessHandle::destroyForcibly); // the reporting shell then ends, as the real one
        } catch (IOException | InterruptedException e) {
            // the agent closed its ends or the container was killed
        }
    }

    private Process exec(List<String> argv) throws IOException {
        String container = argv.get(argv.size() - 1);
        String processFile = Files.readString(Path.of(argv.get(argv.indexOf("--process") + 1)));
        execProcesses.put(container, processFile);
        Process process = execResponder.apply(argv);
        if (process.isAlive()) {
            Process command = new ProcessBuilder("sleep", "1000").start();
            commands.put(container, command);
            command.onExit().thenRun(process::destroy);
            Files.writeString(Path.of(argv.get(argv.indexOf("--pid-file") + 1)), Long.toString(command.pid()));
        }
        return process;
    }

    private void kill(String id) {
        Process init = inits.remove(id);
        if (init != null) {
            init.descendants().forEach(ProcessHandle::destroyForcibly); // the PID namespace ends with its init
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
        inits.values().forEach(init -> init.descendants().forEach(ProcessHandle::destroyForcibly));
        inits.values().forEach(Process::destroyForcibly);
        commands.values().forEach(Process::destroyForcibly);
    }
}
