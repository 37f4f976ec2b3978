package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/mags-jobs}. Field names follow the reference API; every field but
 * {@code script} is optional. {@code timeout_seconds}, {@code memory_mb} and {@code cpus} are mags
 * extensions. Build one with {@link #builder(String)}.
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
        @JsonProperty("timeout_seconds") Integer timeoutSeconds,
        @JsonProperty("memory_mb") Integer memoryMb,
        @JsonProperty("cpus") Double cpus) {

    public static final String TYPE_INLINE = "inline";

    /** The smallest valid request: an inline script with defaults for everything else. */
    public static JobRequest inline(String script) {
        return builder(script).build();
    }

    public static Builder builder(String script) {
        return new Builder(script);
    }

    /** A builder holding this request's fields, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder(script);
        b.type = type;
        b.name = name;
        b.workspaceId = workspaceId;
        b.baseWorkspaceId = baseWorkspaceId;
        b.persistent = persistent;
        b.noSleep = noSleep;
        b.noSync = noSync;
        b.ephemeral = ephemeral;
        b.startupCommand = startupCommand;
        b.environment = environment;
        b.fileIds = fileIds;
        b.diskGb = diskGb;
        b.timeoutSeconds = timeoutSeconds;
        b.memoryMb = memoryMb;
        b.cpus = cpus;
        return b;
    }

    public JobRequest withTimeoutSeconds(Integer seconds) {
        return toBuilder().timeoutSeconds(seconds).build();
    }

    public JobRequest withFileIds(java.util.List<String> ids) {
        return toBuilder().fileIds(ids).build();
    }

    public JobRequest withName(String newName) {
        return toBuilder().name(newName).build();
    }

    public JobRequest withEnvironment(Map<String, String> env) {
        return toBuilder().environment(env).build();
    }

    /** Builds a request; unset fields stay null and are not sent. */
    public static final class Builder {
        private final String script;
        private String type = TYPE_INLINE;
        private String name;
        private String workspaceId;
        private String baseWorkspaceId;
        private Boolean persistent;
        private Boolean noSleep;
        private Boolean noSync;
        private Boolean ephemeral;
        private String startupCommand;
        private Map<String, String> environment;
        private List<String> fileIds;
        private Integer diskGb;
        private Integer timeoutSeconds;
        private Integer memoryMb;
        private Double cpus;

        private Builder(String script) {
            this.script = script;
        }

        public Builder type(String v) { this.type = v; return this; }
        public Builder name(String v) { this.name = v; return this; }
        public Builder workspaceId(String v) { this.workspaceId = v; return this; }
        public Builder baseWorkspaceId(String v) { this.baseWorkspaceId = v; return this; }
        public Builder persistent(Boolean v) { this.persistent = v; return this; }
        public Builder noSleep(Boolean v) { this.noSleep = v; return this; }
        public Builder noSync(Boolean v) { this.noSync = v; return this; }
        public Builder ephemeral(Boolean v) { this.ephemeral = v; return this; }
        public Builder startupCommand(String v) { this.startupCommand = v; return this; }
        public Builder environment(Map<String, String> v) { this.environment = v; return this; }
        public Builder fileIds(List<String> v) { this.fileIds = v; return this; }
        public Builder diskGb(Integer v) { this.diskGb = v; return this; }
        public Builder timeoutSeconds(Integer v) { this.timeoutSeconds = v; return this; }
        public Builder memoryMb(Integer v) { this.memoryMb = v; return this; }
        public Builder cpus(Double v) { this.cpus = v; return this; }

        public JobRequest build() {
            return new JobRequest(script, type, name, workspaceId, baseWorkspaceId, persistent, noSleep, noSync,
                    ephemeral, startupCommand, environment, fileIds, diskGb, timeoutSeconds, memoryMb, cpus);
        }
    }
}
