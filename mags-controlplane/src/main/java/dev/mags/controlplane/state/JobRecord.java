package dev.mags.controlplane.state;

import dev.mags.api.JobStatus;
import dev.mags.protocol.v1.SandboxLimits;
import java.time.Instant;
import java.util.Map;

/** A job row of the state store; {@code workspaceId} is the name of its owner's workspace, or null. */
public record JobRecord(
        String id,
        String userId,
        String name,
        String script,
        String type,
        String image,
        Map<String, String> environment,
        Integer timeoutSeconds,
        SandboxLimits limits,
        JobStatus status,
        Integer exitCode,
        String errorMessage,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String workspaceId) {

    public JobRecord {
        environment = Map.copyOf(environment);
        limits = limits == null ? SandboxLimits.DEFAULT : limits;
    }
}
