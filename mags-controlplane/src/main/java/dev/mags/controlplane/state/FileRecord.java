package dev.mags.controlplane.state;

import java.time.Instant;

/**
 * An uploaded file of the {@code files} table: its bytes are {@code parts} objects in the bucket, {@code sha256}
 * of all of them; {@code lastUsedAt} is its upload or the last job that placed it, from which its retention runs.
 */
public record FileRecord(String id, String userId, String name, long sizeBytes, String sha256, int parts,
        Instant createdAt, Instant lastUsedAt) {}
