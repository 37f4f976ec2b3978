package dev.mags.controlplane.state;

import java.time.Instant;

/** A user account. */
public record UserRecord(String id, String name, boolean admin, Instant createdAt) {}
