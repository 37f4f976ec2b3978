package dev.mags.agent.image;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** How to fill one base image's root filesystem. */
@FunctionalInterface
public interface RootfsRecipe {

    /**
     * Creates {@code rootfs} (which does not exist yet) and fills it, telling {@code progress} what
     * it does as it goes.
     */
    void populate(Path rootfs, PrintStream progress) throws IOException;
}
