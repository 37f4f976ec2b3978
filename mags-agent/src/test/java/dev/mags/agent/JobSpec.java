package dev.mags.agent;

import dev.mags.protocol.v2.BaseLayer;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.WorkspaceMount;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What a job is on contract v2: a sandbox to create and one process to run in it. */
public record JobSpec(SandboxSpec sandbox, ExecSpec exec) {
    public JobSpec(String id, String image, List<String> command, Map<String, String> environment, Duration timeout,
            SandboxLimits limits, NetworkMode network) {
        this(new SandboxSpec(SandboxId.of(id), image, limits, network, null, null, Map.of()),
                new ExecSpec(command, environment, null, false, null, timeout));
    }

    /** {@code sh -c script} with default limits and no network. */
    public static JobSpec shell(String id, String image, String script, Map<String, String> environment, Duration timeout) {
        return new JobSpec(id, image, List.of("sh", "-c", script), environment, timeout, SandboxLimits.DEFAULT,
                NetworkMode.NONE);
    }

    public String id() {
        return sandbox.id().value();
    }

    public JobSpec withWorkspace(WorkspaceMount mount) {
        SandboxSpec s = sandbox;
        return new JobSpec(new SandboxSpec(s.id(), s.image(), s.limits(), s.network(), mount, s.base(), s.environment()), exec);
    }

    public JobSpec withBase(BaseLayer base) {
        SandboxSpec s = sandbox;
        return new JobSpec(new SandboxSpec(s.id(), s.image(), s.limits(), s.network(), s.workspace(), base, s.environment()),
                exec);
    }

    public JobSpec withId(String id) {
        SandboxSpec s = sandbox;
        return new JobSpec(new SandboxSpec(SandboxId.of(id), s.image(), s.limits(), s.network(), s.workspace(), s.base(),
                s.environment()), exec);
    }
}
