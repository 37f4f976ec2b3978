package dev.mags.agent.sandbox;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link ContainerBuilder} builds: container {@code id} of {@code shape} on the image's root
 * file system, as built at {@code imageBuiltAt} (a pool member of an image rebuilt since is stale).
 *
 * @param workspaceDisk the workspace disk that holds the writable layer, created on first use and kept
 *     when the container goes; null for a disk of the sandbox's own, deleted with it
 * @param baseLayer a restored base workspace snapshot, mounted read-only between the writable layer and
 *     the image; null for none
 */
public record ContainerSpec(String id, SandboxShape shape, Path imageRootfs, Instant imageBuiltAt, Path workspaceDisk,
                            Path baseLayer) {
    public ContainerSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(imageRootfs, "imageRootfs");
        Objects.requireNonNull(imageBuiltAt, "imageBuiltAt");
    }

    public ContainerSpec(String id, SandboxShape shape, Path imageRootfs, Instant imageBuiltAt) {
        this(id, shape, imageRootfs, imageBuiltAt, null, null);
    }
}
