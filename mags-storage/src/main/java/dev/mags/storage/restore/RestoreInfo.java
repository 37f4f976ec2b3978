package dev.mags.storage.restore;

import dev.mags.storage.layout.SnapshotId;
import dev.mags.storage.layout.WorkspaceRef;
import java.nio.file.Path;
import java.time.Duration;

/** A finished restore: the tree of snapshot {@code id} is at {@code target}. */
public record RestoreInfo(WorkspaceRef workspace, SnapshotId id, Path target, long entries, long files, long bytes,
                          Duration duration) {}
