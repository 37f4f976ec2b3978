package dev.mags.agent;

import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import dev.mags.agent.process.Fd;
import dev.mags.agent.process.Spawned;
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
import java.util.stream.Stream;

/**
 * A host for unit tests: mount and umount edit a fake mount table, mkfs and losetup succeed,
 * {@code runc run} starts real harmless processes shaped like the container's init and its standby shell
 * (so that the agent's pid checks and signals work) and writes its state file, and a thread plays the
 * standby shell on the sandbox's FIFOs, answering a handed command ({@link #handed}) with the process
 * {@link #execResponder} returns. {@code runc exec --detach} records the process file it is given
 * ({@link #execProcesses}), fails as the runtime does when the responder wrote a runtime error to its log,
 * and otherwise answers on the descriptors it was given; a real {@code sh} whose child {@code sleep} stands
 * for the command plays the reporting shell (the child receives the agent's signals). Killing the init ends
 * the commands, as the end of a PID namespace would. {@link #close()} kills what is left.
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
        launcher.spawns(this::spawn);
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
            commands.keySet().stream().filter(k -> k.startsWith(id + "#")).toList().forEach(k -> {
                Process reporter = commands.remove(k);
                if (reporter != null) {
                    destroyTree(reporter);
                }
            });
        });
        if (Files.readString(bundle.resolve("config.json")).contains("mags-standby")) {
            Thread.ofPlatform().daemon().name("fake-standby-" + id).start(
                    () -> playStandby(id, init, bundle.resolveSibling("binds").resolve("io")));
        }
    }

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
     * Opens the FIFOs in the reporting shell's order, reads the command, and answers with what
     * {@link #execResponder} returns for {@code ["standby", id]} (an empty command: exit 0), ending it early
     * when its stand-in command is killed; then writes the exit code to the code FIFO.
     */
    private void playStandby(String id, Process init, Path io) {
        try (InputStream in = new FileInputStream(io.resolve("in").toFile());
                OutputStream out = new FileOutputStream(io.resolve("out").toFile());
                OutputStream err = new FileOutputStream(io.resolve("err").toFile());
                OutputStream code = new FileOutputStream(io.resolve("code").toFile())) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            handed.put(id, text);
            Optional<ProcessHandle> reporter = init.children().findFirst();
            Optional<ProcessHandle> command = reporter.flatMap(r -> r.children().findFirst());
            Process job = text.isEmpty() ? FakeProcess.exits(0, "", "") : execResponder.apply(List.of("standby", id));
            command.ifPresent(c -> c.onExit().thenRun(job::destroy));
            init.onExit().thenRun(job::destroy); // the command dies with its PID namespace
            job.getInputStream().transferTo(out);
            job.getErrorStream().transferTo(err);
            int exit = job.waitFor();
            if (!init.isAlive()) {
                return; // the reporting shell died with its PID namespace: no code
            }
            code.write((exit + "\n").getBytes(StandardCharsets.UTF_8));
            command.ifPresent(ProcessHandle::destroyForcibly); // the reporting shell then ends, as the real one
        } catch (IOException | InterruptedException e) {
            // the agent closed its ends or the container was killed
        }
    }

    private final java.util.concurrent.atomic.AtomicInteger execCount = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * {@code runc exec --detach}: records the process file; fails (status 1) when the responder wrote a runtime
     * error to the log; otherwise starts the stand-in reporting shell, writes its pid, and answers on copies of
     * the given descriptors: the responder's output, then the exit code on descriptor 3.
     */
    private Spawned spawn(List<String> argv, List<Fd> fds) throws IOException {
        String container = argv.get(argv.size() - 1);
        String processFile = Files.readString(Path.of(argv.get(argv.indexOf("--process") + 1)));
        execProcesses.put(container, processFile);
        Process job = execResponder.apply(argv);
        Path log = Path.of(argv.get(argv.indexOf("--log") + 1));
        if (Files.exists(log) && Files.size(log) > 0) {
            return new FakeSpawned(1);
        }
        Fd out = fds.get(1).duplicate();
        Fd err = fds.get(2).duplicate();
        Fd code = fds.get(3).duplicate();
        Process reporter = new ProcessBuilder("sh", "-c", "sleep 1000; :").start();
        commands.put(container + "#" + execCount.incrementAndGet(), reporter);
        Files.writeString(Path.of(argv.get(argv.indexOf("--pid-file") + 1)), Long.toString(reporter.pid()));
        List<ProcessHandle> child = awaitChild(reporter);
        Thread.ofPlatform().daemon().name("fake-exec-" + container).start(() -> {
            try (OutputStream o = out.output(); OutputStream e = err.output(); OutputStream c = code.output()) {
                child.forEach(ch -> ch.onExit().thenRun(job::destroy)); // a signal to the command ends it
                job.getInputStream().transferTo(o);
                job.getErrorStream().transferTo(e);
                int exit = job.waitFor();
                Process init = inits.get(container);
                if (init != null && init.isAlive()) { // the real reporting shell traps signals: only its PID namespace's end ends it
                    c.write((exit + "\n").getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException | InterruptedException ex) {
                // the agent closed its ends, or the container was killed
            } finally {
                destroyTree(reporter);
            }
        });
        return new FakeSpawned(0);
    }

    /** A stand-in process and what it started, as the end of a PID namespace would end them. */
    private static void destroyTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static List<ProcessHandle> awaitChild(Process process) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> children = process.children().toList();
            if (!children.isEmpty()) {
                return children;
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("the fake reporting shell did not start its command");
    }

    private record FakeSpawned(int status) implements Spawned {
        @Override
        public long pid() {
            return 1;
        }

        @Override
        public int waitFor() {
            return status;
        }
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
        List<Process> left = Stream.concat(inits.values().stream(), commands.values().stream())
                .filter(p -> !awaitEnd(p, deadline))
                .toList();
        commands.values().forEach(FakeHost::destroyTree); // a reporting shell's command may outlive an exec that ended
        return left;
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
        commands.values().forEach(FakeHost::destroyTree);
    }
}
