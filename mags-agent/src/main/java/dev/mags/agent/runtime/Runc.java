package dev.mags.agent.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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

    public Runc(CommandRunner runner, String binary, Path root) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.binary = Objects.requireNonNull(binary, "binary");
        this.root = Objects.requireNonNull(root, "root");
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
     * Whether the runtime keeps any state for {@code id} under its root (runc's and crun's layout), so
     * that a {@code delete} is needed; checked without spawning a process.
     */
    public boolean hasState(String id) {
        return Files.exists(root.resolve(id));
    }

    /**
     * Whether the runtime has recorded the container as created, read from its state directory
     * ({@code state.json} for runc, {@code status} for crun) without spawning a process. Used to
     * know that {@code run} got past container creation.
     */
    public boolean hasStateFile(String id) {
        Path dir = root.resolve(id);
        return Files.exists(dir.resolve("state.json")) || Files.exists(dir.resolve("status"));
    }
}
