package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/mags-cron} (name, cron_expression and script required) and of
 * {@code PATCH /api/v1/mags-cron/{id}} (only the fields given change). Field names follow the reference
 * API; {@code timezone} (an IANA zone such as {@code Europe/Paris}, default UTC) is a mags extension.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CronJobRequest(
        @JsonProperty("name") String name,
        @JsonProperty("cron_expression") String cronExpression,
        @JsonProperty("script") String script,
        @JsonProperty("workspace_id") String workspaceId,
        @JsonProperty("environment") Map<String, String> environment,
        @JsonProperty("persistent") Boolean persistent,
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("timezone") String timezone) {

    /** A new cron job's fields; the others keep their defaults (no workspace, not persistent, enabled, UTC). */
    public static CronJobRequest of(String name, String cronExpression, String script) {
        return new CronJobRequest(name, cronExpression, script, null, null, null, null, null);
    }

    /** A PATCH body that only turns the job on or off. */
    public static CronJobRequest enabled(boolean on) {
        return new CronJobRequest(null, null, null, null, null, null, on, null);
    }
}
