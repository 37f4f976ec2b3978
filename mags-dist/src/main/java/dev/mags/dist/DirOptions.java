package dev.mags.dist;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data-dir} and {@code --images-dir}, shared by every magsd command. */
final class DirOptions {
    @Option(names = "--data-dir", defaultValue = "${env:MAGS_DATA_DIR:-/var/lib/mags}",
            description = "State, sandboxes and the admin token (env MAGS_DATA_DIR, default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--images-dir", defaultValue = "${env:MAGS_IMAGES_DIR}",
            description = "Base images (env MAGS_IMAGES_DIR, default <data-dir>/images).")
    Path imagesDir;

    Path dataDir() {
        return dataDir.toAbsolutePath().normalize();
    }

    Path imagesDir() {
        return (imagesDir != null ? imagesDir : dataDir.resolve("images")).toAbsolutePath().normalize();
    }
}
