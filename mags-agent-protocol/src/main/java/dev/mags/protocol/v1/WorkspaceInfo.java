package dev.mags.protocol.v1;

/** A workspace an agent keeps: its key and the size of its disk (sparse on the host: only what was written takes space). */
public record WorkspaceInfo(String key, long diskBytes) {}
