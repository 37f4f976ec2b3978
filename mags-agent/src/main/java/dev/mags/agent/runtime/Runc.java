package dev.mags.agent.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.Fd;
import dev.mags.agent.process.Spawned;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The OCI runtime's command line ({@code runc}; {@code crun} and {@code runsc} take the same
 * arguments). Every call passes {@code --root}, so the agent's containers live apart from any other
 * user of the runtime on the host and a restarted agent finds exactly its own.
 */
public final class Runc {
    private static final Duration SHORT = Duration.ofSeconds(10);
    private static final Duration DELETE = Duration.ofSeconds(30);
    private static final Duration CREATE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandRunner runner;
    private final String binary;
    private final Path root;
    private final Path proc;

    public Runc(CommandRunner runner, String binary, Path root) {
        this(runner, binary, root, Path.of("/proc"));
    }

    /** @param proc normally {@code /proc}; a directory in tests */
    Runc(CommandRunner runner, String binary, Path root, Path proc) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.binary = Objects.requireNonNull(binary, "binary");
        this.root = Objects.requireNonNull(root, "root");
        this.proc = Objects.requireNonNull(proc, "proc");
    }

    public Path root() {
        return root;
    }

    /**
     * argv of {@code run --detach}: the runtime sets the container up and starts its init process in one
     * go (one runtime process instead of create's and start's), and returns. Its own errors also go to
     * {@code log} as JSON.
     */
    public List<String> runArgv(Path bundle, String id, Path log) {
        return List.of(binary, "--root", root.toString(), "--log", log.toString(), "--log-format", "json",
                "run", "--detach", "--bundle", bundle.toString(), id);
    }

    /**
     * Creates and starts the container. The container's init inherits the runtime's stdout and stderr, so
     * they go to the file {@code output}, never to pipes: a pipe would stay open as long as the container runs.
     */
    public void run(Path bundle, String id, Path log, Path output) {
        runner.runWritingTo(runArgv(bundle, id, log), CREATE, output);
    }

    /**
     * argv of {@code exec --detach}: runs the process described by {@code processFile} (argv, environment,
     * working directory, user, capabilities, terminal: see the bundle's ExecProcess) in the running container,
     * writes its host pid to {@code pidFile} and exits once it runs. Without a terminal the process gets the
     * runtime's own descriptors 0, 1 and 2; with one ({@code consoleSocket} not null) the runtime sends the
     * terminal's master side to that socket. The runtime's descriptors from 3 on, {@code preservedFds} of them,
     * are the process's too.
     */
    public List<String> execArgv(String id, Path processFile, Path pidFile, Path log, Path consoleSocket,
            int preservedFds) {
        List<String> argv = new ArrayList<>(List.of(binary, "--root", root.toString(), "--log", log.toString(),
                "--log-format", "json", "exec", "--detach", "--process", processFile.toString(),
                "--pid-file", pidFile.toString()));
        if (consoleSocket != null) {
            argv.addAll(List.of("--console-socket", consoleSocket.toString()));
        }
        if (preservedFds > 0) {
            argv.addAll(List.of("--preserve-fds", Integer.toString(preservedFds)));
        }
        argv.add(id);
        return argv;
    }

    /**
     * Starts {@link #execArgv} with {@code fds} as the runtime's descriptors 0, 1, 2, ...; the caller waits for
     * the runtime (it exits once the process runs, with a non-zero code and its error in {@code log} when it
     * could not start it).
     */
    public Spawned exec(String id, Path processFile, Path pidFile, Path log, Path consoleSocket, List<Fd> fds)
            throws IOException {
        return runner.launcher().spawn(execArgv(id, processFile, pidFile, log, consoleSocket, fds.size() - 3), fds);
    }

    /** Sends {@code signal} (e.g. {@code TERM}, {@code KILL}) to the container's init process. */
    public void kill(String id, String signal) {
        runner.run(List.of(binary, "--root", root.toString(), "kill", id, signal), SHORT);
    }

    /** Removes a stopped container's runtime state and cgroups. */
    public void delete(String id) {
        runner.run(List.of(binary, "--root", root.toString(), "delete", id), DELETE);
    }

    /** Kills the container if it still runs and removes its runtime state and cgroups. */
    public void deleteForce(String id) {
        runner.run(List.of(binary, "--root", root.toString(), "delete", "--force", id), DELETE);
    }

    /** Every container under our root. */
    public List<ContainerState> list() {
        String out = runner.run(List.of(binary, "--root", root.toString(), "list", "--format", "json"), SHORT)
                .stdout().strip();
        // runc prints "null", not "[]", when it has no containers.
        if (out.isEmpty() || out.equals("null")) {
            return List.of();
        }
        try {
            return new ArrayList<>(JSON.readValue(out, new TypeReference<List<ContainerState>>() {}));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(binary + " list printed JSON we cannot read: " + out, e);
        }
    }

    /** The container's state, or empty if the runtime does not know it. */
    public Optional<ContainerState> state(String id) {
        try {
            String out = runner.run(List.of(binary, "--root", root.toString(), "state", id), SHORT).stdout();
            return Optional.of(JSON.readValue(out, ContainerState.class));
        } catch (CommandFailedException e) {
            // "container does not exist" is an error exit; ask list() rather than parse the message.
            if (list().stream().noneMatch(c -> c.id().equals(id))) {
                return Optional.empty();
            }
            throw e;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(binary + " state printed JSON we cannot read", e);
        }
    }

    /**
     * The pid of a created container's init, read from the runtime's state file (no runtime process to
     * start: one fewer per sandbox); empty when the runtime has no state for it.
     */
    public Optional<Long> initPid(String id) {
        try {
            long pid = JSON.readTree(root.resolve(id).resolve("state.json").toFile()).path("init_process_pid").asLong(0);
            return pid > 0 ? Optional.of(pid) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Ids with a state directory under our root (runc's and crun's layout). Includes containers whose
     * creation died half-way, which {@link #list()} leaves out and {@code delete} cannot remove.
     */
    public List<String> stateDirectoryIds() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the runtime root " + root, e);
        }
    }

    /** Removes the state directory of a container the runtime no longer knows (see {@link #stateDirectoryIds()}). */
    public void removeStaleState(String id) throws IOException {
        Path dir = root.resolve(id);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file); // flat: exec.fifo, state.json, temp files
            }
        }
        Files.deleteIfExists(dir);
    }

    /**
     * Whether the runtime keeps any state for {@code id} under its root (runc's and crun's layout), so
     * that a {@code delete} is needed; checked without spawning a process.
     */
    public boolean hasState(String id) {
        return Files.exists(root.resolve(id));
    }

    /**
     * Whether the container's init process is alive, seen without spawning a process: the pid in
     * state.json exists, is not a zombie, and started when the runtime recorded (not a reused pid).
     */
    public boolean isInitAlive(String id) {
        try {
            // runc replaces state.json by rename, so a read never sees half a file.
            JsonNode state = JSON.readTree(root.resolve(id).resolve("state.json").toFile());
            long pid = state.path("init_process_pid").asLong(0);
            return pid > 0 && ProcStat.read(proc, pid)
                    .filter(stat -> !stat.isDead())
                    .filter(stat -> stat.startTime() == state.path("init_process_start").asLong(stat.startTime()))
                    .isPresent();
        } catch (IOException e) {
            return false; // no state: never created, or deleted
        }
    }

    /**
     * Sends SIGKILL to the container's init process directly (no runtime process to start) and waits
     * up to {@code wait} until it is dead: its PID namespace ends with it, and the kernel lets the
     * init die only after every other process in the namespace. Harmless when the init is not alive.
     *
     * @return whether the init is dead now
     */
    public boolean killInit(String id, Duration wait) {
        initProcess(id).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (isInitAlive(id)) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(1);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !isInitAlive(id);
        }
    }

    /** The live init process of the container, checked against the start time the runtime recorded. */
    private Optional<ProcessHandle> initProcess(String id) {
        if (!isInitAlive(id)) {
            return Optional.empty();
        }
        try {
            long pid = JSON.readTree(root.resolve(id).resolve("state.json").toFile()).path("init_process_pid").asLong(0);
            // The handle remembers the process's start time, so it never signals a later process with this pid.
            return ProcessHandle.of(pid);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the command of an {@code exec} has started: the runtime wrote its pid to {@code pidFile}
     * (it does only once it started the process), and the process is no longer the runtime's own
     * init ({@code runc:[2:INIT]}) but has executed the command, or has already ended. A command that
     * cannot be executed fails before the pid file is written, and the runtime says so in its log.
     */
    public boolean hasExecStarted(Path pidFile) {
        return execPid(pidFile)
                .map(pid -> ProcStat.read(proc, pid).map(stat -> !stat.command().startsWith("runc:[")).orElse(true))
                .orElse(false);
    }

    /** The host pid of an {@code exec}'s command, once the runtime wrote it. */
    public static Optional<Long> execPid(Path pidFile) {
        try {
            String text = Files.readString(pidFile).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // not written yet, or being written
        }
    }
}
