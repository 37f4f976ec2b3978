package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * An uploaded file: {@code file_id} goes into a job's {@code file_ids}, which places it at {@code /root/<name>}.
 * It is removed at {@code expires_at} unless a job uses it before (each use moves that time).
 */
public record UploadedFile(
        @JsonProperty("file_id") String fileId,
        @JsonProperty("name") String name,
        @JsonProperty("size") long size,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("expires_at") Instant expiresAt) {}
