package dev.mags.dist;

import dev.mags.agent.image.ImageBuilder;
import dev.mags.agent.image.ImageStore;
import dev.mags.protocol.v1.ImageInfo;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code magsd image build debian|busybox}: builds a base image into the images dir. */
@Command(name = "image", mixinStandardHelpOptions = true, description = "Manage base images.",
        subcommands = {ImageCommand.Build.class, ImageCommand.ListImages.class})
final class ImageCommand {

    static Path imagesDir(Path imagesDir, Path dataDir) {
        return (imagesDir != null ? imagesDir : dataDir.resolve("images")).toAbsolutePath().normalize();
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Build a base image: 'debian' (Debian bookworm with python3, nodejs, git, ...; a few "
                    + "minutes) or 'busybox' (a second).")
    static final class Build implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "debian or busybox")
        String name;

        @Option(names = "--images-dir", defaultValue = "${env:MAGS_IMAGES_DIR}",
                description = "Where images live (env MAGS_IMAGES_DIR, default <data-dir>/images).")
        Path imagesDir;

        @Option(names = "--data-dir", defaultValue = "${env:MAGS_DATA_DIR:-/var/lib/mags}",
                description = "Server data dir (env MAGS_DATA_DIR, default ${DEFAULT-VALUE}).")
        Path dataDir;

        @Override
        public Integer call() {
            ImageBuilder builder = ImageBuilder.standard(new ImageStore(imagesDir(imagesDir, dataDir)));
            if (!builder.names().contains(name)) {
                throw new IllegalArgumentException("unknown image '" + name + "'; choose one of " + builder.names());
            }
            PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
            long start = System.nanoTime();
            ImageInfo info = builder.build(name, out);
            out.printf("built image '%s' (%.1f MB) in %.1f s into %s%n", info.name(), info.sizeBytes() / 1e6,
                    (System.nanoTime() - start) / 1e9, imagesDir(imagesDir, dataDir).resolve(info.name()));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the built base images.")
    static final class ListImages implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--images-dir", defaultValue = "${env:MAGS_IMAGES_DIR}",
                description = "Where images live (env MAGS_IMAGES_DIR, default <data-dir>/images).")
        Path imagesDir;

        @Option(names = "--data-dir", defaultValue = "${env:MAGS_DATA_DIR:-/var/lib/mags}",
                description = "Server data dir (env MAGS_DATA_DIR, default ${DEFAULT-VALUE}).")
        Path dataDir;

        @Override
        public Integer call() {
            for (ImageInfo i : new ImageStore(imagesDir(imagesDir, dataDir)).list()) {
                spec.commandLine().getOut().printf("%-12s %8.1f MB  built %s%n", i.name(), i.sizeBytes() / 1e6,
                        i.builtAt());
            }
            return 0;
        }
    }
}
