package dev.mags.controlplane.state;

import java.time.Instant;

/**
 * A row of {@code app_routes}: what a subdomain serves.
 *
 * @param jobId for a {@link Kind#JOB} route, the job whose sandbox it serves
 * @param workspaceId for an {@link Kind#ALIAS}, the workspace whose newest job it serves
 * @param port for a job route, the sandbox's port; null for an alias
 */
public record AppRoute(String subdomain, String userId, Kind kind, String jobId, String workspaceId, Integer port,
        Instant createdAt) {
    public enum Kind {
        JOB, ALIAS;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
