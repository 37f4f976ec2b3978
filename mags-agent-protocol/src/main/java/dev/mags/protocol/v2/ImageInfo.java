package dev.mags.protocol.v2;

import java.time.Instant;

/** A base image an agent holds. */
public record ImageInfo(String name, Instant builtAt, long sizeBytes) {}
