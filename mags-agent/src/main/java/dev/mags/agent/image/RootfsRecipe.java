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

    /**
     * What this recipe puts into an image, as a label that changes when that does; recorded in the image's
     * manifest so that {@code magsd image build --if-missing} rebuilds an image an older recipe made.
     */
    default String revision() {
        return "1";
    }
}
