package dev.mags.protocol.v1;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the control plane asks an agent to run: one process tree in a fresh sandbox.
 *
 * @param sandboxId unique id; every resource the agent creates for it carries this id
 * @param image name of a base image the agent has (e.g. {@code debian}, {@code busybox})
 * @param command argv of the sandbox's main process, e.g. {@code ["sh", "-c", script]}
 * @param environment extra environment variables, on top of the agent's defaults
 * @param timeout how long the process may run before the agent kills it; null for no limit
 * @param limits memory, CPU, disk and process limits
 * @param network the sandbox's network
 * @param workspace where the sandbox's writable layer is kept between sandboxes; null for none (discarded)
 * @param base a stored workspace's snapshot mounted read-only under the writable layer; null for none
 */
public record SandboxSpec(
        String sandboxId,
        String image,
        List<String> command,
        Map<String, String> environment,
        Duration timeout,
        SandboxLimits limits,
        NetworkMode network,
        WorkspaceRef workspace,
        BaseLayer base) {

    public SandboxSpec {
        Objects.requireNonNull(sandboxId, "sandboxId");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(network, "network");
        command = List.copyOf(command);
        environment = Map.copyOf(environment == null ? Map.of() : environment);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must not be empty");
        }
        if (!sandboxId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw new IllegalArgumentException("sandbox id '" + sandboxId + "' has characters outside [A-Za-z0-9_.-]");
        }
    }

    /** A spec without a workspace. */
    public SandboxSpec(String sandboxId, String image, List<String> command, Map<String, String> environment,
            Duration timeout, SandboxLimits limits, NetworkMode network) {
        this(sandboxId, image, command, environment, timeout, limits, network, null, null);
    }

    /** This spec with its writable layer kept in {@code ref}. */
    public SandboxSpec withWorkspace(WorkspaceRef ref) {
        return new SandboxSpec(sandboxId, image, command, environment, timeout, limits, network, ref, base);
    }

    /** This spec on top of a stored workspace's snapshot. */
    public SandboxSpec withBase(BaseLayer layer) {
        return new SandboxSpec(sandboxId, image, command, environment, timeout, limits, network, workspace, layer);
    }

    /** A spec that runs {@code sh -c script} with outbound network. */
    public static SandboxSpec shell(String sandboxId, String image, String script, Map<String, String> env,
            Duration timeout, SandboxLimits limits) {
        return new SandboxSpec(sandboxId, image, List.of("sh", "-c", script), env, timeout, limits,
                NetworkMode.OUTBOUND);
    }

    /** A spec that runs {@code sh -c script} with default limits and no network; for tests. */
    public static SandboxSpec shell(String sandboxId, String image, String script, Map<String, String> env,
            Duration timeout) {
        return new SandboxSpec(sandboxId, image, List.of("sh", "-c", script), env, timeout, SandboxLimits.DEFAULT,
                NetworkMode.NONE);
    }
}
