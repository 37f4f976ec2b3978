package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * Answer of {@code GET /api/v1/server-stats} (admins only): the whole server's numbers as {@code /metrics} has
 * them, for the dashboard's admin view.
 *
 * @param jobs         jobs in the history, by status
 * @param warmPool     null when the agent reports no warm pool
 * @param sshSessions  null when the server runs no SSH gateway
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ServerStats(
        @JsonProperty("jobs") Map<String, Long> jobs,
        @JsonProperty("sandboxes") Sandboxes sandboxes,
        @JsonProperty("warm_pool") WarmPool warmPool,
        @JsonProperty("exec_sessions") long execSessions,
        @JsonProperty("ssh_sessions") Long sshSessions) {

    /** Live sandboxes (of jobs without a workspace, of workspaces) and sleeping ones. */
    public record Sandboxes(
            @JsonProperty("live_jobs") long liveJobs,
            @JsonProperty("live_workspaces") long liveWorkspaces,
            @JsonProperty("sleeping") long sleeping) {}

    /** Containers ready in the warm pool, its target, and the sandboxes it had none for since the start. */
    public record WarmPool(
            @JsonProperty("ready") long ready,
            @JsonProperty("target") long target,
            @JsonProperty("misses") long misses) {}
}
