package dev.mags.agent;

import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A host for unit tests: mount and umount edit a fake mount table, {@code runc run} starts a fake
 * container process whose state file appears under the runtime root, and {@code runc kill} ends it.
 * {@link #runResponder} decides what each container does.
 */
final class FakeHost {
    final Path dir;
    final Path cgroupRoot;
    final Path mountInfo;
    final FakeProcessLauncher launcher = new FakeProcessLauncher();
    final Map<String, FakeProcess> containers = new ConcurrentHashMap<>();
    volatile Function<List<String>, FakeProcess> runResponder = argv -> FakeProcess.hangs();
    volatile FakeProcess mountResult = FakeProcess.succeeds("");

    FakeHost(Path dir) throws IOException {
        this.dir = dir;
        this.cgroupRoot = Files.createDirectories(dir.resolve("cgroup"));
        this.mountInfo = dir.resolve("mountinfo");
        Files.writeString(mountInfo, "27 1 254:0 / / rw - ext4 /dev/vda rw\n");
        launcher.respond(this::respond);
    }

    HostAccess access() {
        return new HostAccess(launcher, cgroupRoot, mountInfo);
    }

    AgentConfig config() {
        return AgentConfig.defaults(dir.resolve("data"), dir.resolve("images"));
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
                default -> runtime(argv);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Process mount(List<String> argv) throws IOException {
        if (mountResult.exitValue() == 0) {
            Files.writeString(mountInfo, Files.readString(mountInfo)
                    + "90 27 0:50 / " + argv.get(argv.size() - 1) + " rw - overlay " + argv.get(argv.size() - 2) + " rw\n");
        }
        return mountResult;
    }

    private Process umount(String target) throws IOException {
        List<String> kept = Files.readAllLines(mountInfo).stream().filter(l -> !l.contains(" " + target + " ")).toList();
        Files.writeString(mountInfo, String.join("\n", kept) + "\n");
        return FakeProcess.succeeds("");
    }

    private Process runtime(List<String> argv) throws IOException {
        Path root = Path.of(argv.get(2));
        if (argv.contains("run")) {
            String id = argv.get(argv.size() - 1);
            FakeProcess process = runResponder.apply(argv);
            if (process.isAlive()) {
                Files.createDirectories(root.resolve(id));
                // The test JVM stands in for the container's process: its name is not runc's init.
                Files.writeString(root.resolve(id).resolve("state.json"),
                        "{\"init_process_pid\":" + ProcessHandle.current().pid() + "}");
                containers.put(id, process);
                Thread.ofVirtual().start(() -> {
                    try {
                        process.waitFor();
                        deleteState(root.resolve(id));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            return process;
        }
        if (argv.contains("kill")) {
            String signal = argv.get(argv.size() - 1);
            String id = argv.get(argv.size() - 2);
            FakeProcess process = containers.get(id);
            if (process == null) {
                return FakeProcess.exits(1, "", "container does not exist");
            }
            if (signal.equals("KILL")) { // like sleep as PID 1, the fake ignores TERM
                process.destroy();
            }
            return FakeProcess.succeeds("");
        }
        if (argv.contains("list")) {
            return FakeProcess.succeeds("null");
        }
        return FakeProcess.succeeds("");
    }

    private static void deleteState(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve("state.json"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the runtime's JSON error log the way runc does when it cannot start the container. */
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
}
