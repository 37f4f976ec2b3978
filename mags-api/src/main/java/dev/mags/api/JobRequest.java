package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/mags-jobs}. Field names follow the reference API; every field but
 * {@code script} is optional. {@code timeout_seconds} is a mags extension.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRequest(
        @JsonProperty("script") String script,
        @JsonProperty("type") String type,
        @JsonProperty("name") String name,
        @JsonProperty("workspace_id") String workspaceId,
        @JsonProperty("base_workspace_id") String baseWorkspaceId,
        @JsonProperty("persistent") Boolean persistent,
        @JsonProperty("no_sleep") Boolean noSleep,
        @JsonProperty("no_sync") Boolean noSync,
        @JsonProperty("ephemeral") Boolean ephemeral,
        @JsonProperty("startup_command") String startupCommand,
        @JsonProperty("environment") Map<String, String> environment,
        @JsonProperty("file_ids") List<String> fileIds,
        @JsonProperty("disk_gb") Integer diskGb,
        @JsonProperty("timeout_seconds") Integer timeoutSeconds) {

    public static final String TYPE_INLINE = "inline";

    /** The smallest valid request: an inline script with defaults for everything else. */
    public static JobRequest inline(String script) {
        return new JobRequest(script, TYPE_INLINE, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }

    public JobRequest withTimeoutSeconds(Integer seconds) {
        return new JobRequest(script, type, name, workspaceId, baseWorkspaceId, persistent, noSleep,
                noSync, ephemeral, startupCommand, environment, fileIds, diskGb, seconds);
    }

    public JobRequest withName(String newName) {
        return new JobRequest(script, type, newName, workspaceId, baseWorkspaceId, persistent, noSleep,
                noSync, ephemeral, startupCommand, environment, fileIds, diskGb, timeoutSeconds);
    }

    public JobRequest withEnvironment(Map<String, String> env) {
        return new JobRequest(script, type, name, workspaceId, baseWorkspaceId, persistent, noSleep,
                noSync, ephemeral, startupCommand, env, fileIds, diskGb, timeoutSeconds);
    }
}
