package dev.mags.controlplane.state;

import dev.mags.api.JobStatus;
import java.time.Instant;
import java.util.Map;

/** A job row of the state store. */
public record JobRecord(
        String id,
        String userId,
        String name,
        String script,
        String type,
        String image,
        Map<String, String> environment,
        Integer timeoutSeconds,
        JobStatus status,
        Integer exitCode,
        String errorMessage,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt) {

    public JobRecord {
        environment = Map.copyOf(environment);
    }
}
