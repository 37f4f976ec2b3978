package dev.mags.agent.sandbox;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link ContainerBuilder} builds: container {@code id} of {@code shape} on the image's root
 * file system, as built at {@code imageBuiltAt} (a pool member of an image rebuilt since is stale).
 */
public record ContainerSpec(String id, SandboxShape shape, Path imageRootfs, Instant imageBuiltAt) {
    public ContainerSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(imageRootfs, "imageRootfs");
        Objects.requireNonNull(imageBuiltAt, "imageBuiltAt");
    }
}
