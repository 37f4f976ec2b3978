package dev.mags.agent.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.CommandRunner;
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
     * argv of {@code run} in the foreground: the runtime stays our child until the container ends
     * and hands the container our pipes as stdout and stderr. Its own errors also go to
     * {@code log} as JSON, which is how a runtime failure is told apart from the script's stderr.
     */
    public List<String> runArgv(Path bundle, String id, Path log) {
        return List.of(binary, "--root", root.toString(), "--log", log.toString(), "--log-format", "json",
                "run", "--bundle", bundle.toString(), id);
    }

    /** Starts {@link #runArgv}; the caller owns the process and must drain its pipes. */
    public Process run(Path bundle, String id, Path log) throws IOException {
        return runner.launcher().start(runArgv(bundle, id, log));
    }

    /** Sends {@code signal} (e.g. {@code TERM}, {@code KILL}) to the container's init process. */
    public void kill(String id, String signal) {
        runner.run(List.of(binary, "--root", root.toString(), "kill", id, signal), SHORT);
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
     * Whether the container's own process runs, seen without spawning a process. runc creates the
     * container (state.json), then its init process ({@code runc:[2:INIT]}) execs the command; only
     * when the init's name has changed do we know the command was found and started. A command that
     * cannot be executed fails after state.json exists, so the state file alone is not enough.
     * For crun, whose state is a {@code status} file, its existence is the best we know.
     */
    public boolean hasStarted(String id) {
        Path dir = root.resolve(id);
        Path state = dir.resolve("state.json");
        if (!Files.exists(state)) {
            return Files.exists(dir.resolve("status"));
        }
        try {
            // runc replaces state.json by rename, so a read never sees half a file.
            long pid = JSON.readTree(state.toFile()).path("init_process_pid").asLong(0);
            if (pid <= 0) {
                return false;
            }
            String name = Files.readString(proc.resolve(Long.toString(pid)).resolve("comm")).strip();
            return !name.startsWith("runc:[");
        } catch (IOException e) {
            return false; // state.json is being replaced, or the init process is already gone
        }
    }
}
