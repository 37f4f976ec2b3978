package dev.mags.dist;

import dev.mags.agent.image.ImageBuilder;
import dev.mags.agent.image.ImageStore;
import dev.mags.agent.security.IdMapping;
import dev.mags.protocol.v2.ImageInfo;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code magsd image build debian|busybox}: builds a base image into the images dir. */
@Command(name = "image", mixinStandardHelpOptions = true, description = "Manage base images.",
        subcommands = {ImageCommand.Build.class, ImageCommand.ListImages.class})
final class ImageCommand {

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Build a base image: 'debian' (Debian bookworm with python3, nodejs, git, ...; a few "
                    + "minutes) or 'busybox' (a second).")
    static final class Build implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "debian or busybox")
        String name;

        @Mixin
        DirOptions dirs;

        @Option(names = "--if-missing",
                description = "Build only if the image is missing, was built for another user-namespace mapping, "
                        + "or by an older recipe.")
        boolean ifMissing;

        @Override
        public Integer call() {
            ImageStore store = new ImageStore(dirs.imagesDir());
            ImageBuilder builder = ImageBuilder.standard(store);
            if (!builder.names().contains(name)) {
                throw new IllegalArgumentException("unknown image '" + name + "'; choose one of " + builder.names());
            }
            PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
            if (ifMissing && store.idOffset(name).orElse(-1) == IdMapping.DEFAULT.start()
                    && store.revision(name).equals(java.util.Optional.of(builder.revision(name)))) {
                out.println("image '" + name + "' is already built in " + dirs.imagesDir().resolve(name));
                return 0;
            }
            long start = System.nanoTime();
            ImageInfo info = builder.build(name, out);
            out.printf("built image '%s' (%.1f MB) in %.1f s into %s%n", info.name(), info.sizeBytes() / 1e6,
                    (System.nanoTime() - start) / 1e9, dirs.imagesDir().resolve(info.name()));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the built base images.")
    static final class ListImages implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DirOptions dirs;

        @Override
        public Integer call() {
            for (ImageInfo i : new ImageStore(dirs.imagesDir()).list()) {
                spec.commandLine().getOut().printf("%-12s %8.1f MB  built %s%n", i.name(), i.sizeBytes() / 1e6,
                        i.builtAt());
            }
            return 0;
        }
    }
}
