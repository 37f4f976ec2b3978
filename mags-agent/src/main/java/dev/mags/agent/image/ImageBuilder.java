package dev.mags.agent.image;

import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.ProcessLauncher;
import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.agent.security.FileCapabilities;
import dev.mags.agent.security.IdMapping;
import dev.mags.agent.security.IdShift;
import dev.mags.protocol.v2.ImageInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds base images by name into an {@link ImageStore}: each build fills a temporary directory next
 * to the images and is renamed into place only when complete, so a failed or interrupted build never
 * replaces a working image. A finished rootfs is shifted into the sandboxes' user namespace
 * ({@link IdShift}) and its directory closed to host users (mode 0700: the shifted setuid binaries
 * would otherwise hand any host user the sandboxes' uid).
 */
public final class ImageBuilder {
    private final ImageStore store;
    private final Map<String, RootfsRecipe> recipes;
    private final IdShift shift;

    /** Builds images owned by the ids of {@code shift}'s mapping. */
    public ImageBuilder(ImageStore store, Map<String, RootfsRecipe> recipes, IdShift shift) {
        this.store = store;
        this.recipes = new TreeMap<>(recipes);
        this.shift = shift;
    }

    /** Builds unshifted images, which agents refuse; for tests of the builder itself. */
    ImageBuilder(ImageStore store, Map<String, RootfsRecipe> recipes) {
        this(store, recipes, null);
    }

    /** The standard builder over the images in {@code imagesDir}, for the default user namespace. */
    public static ImageBuilder standard(Path imagesDir) {
        return standard(new ImageStore(imagesDir));
    }

    /** The builder for {@code busybox} and {@code debian}, for the default user namespace. */
    public static ImageBuilder standard(ImageStore store) {
        return standard(store, IdMapping.DEFAULT);
    }

    /**
     * The builder for {@code busybox} (from {@code /bin/busybox}) and {@code debian} (mmdebstrap),
     * for sandboxes whose user namespace is {@code mapping}.
     */
    public static ImageBuilder standard(ImageStore store, IdMapping mapping) {
        CommandRunner runner = new CommandRunner(ProcessLauncher.system());
        return new ImageBuilder(store, Map.of(
                "busybox", new BusyboxRecipe(new Busybox(runner, Path.of("/bin/busybox"))),
                "debian", DebianRecipe.withHostCas(new Mmdebstrap(runner), runner)),
                new IdShift(mapping, new FileCapabilities(runner)));
    }

    public Set<String> names() {
        return recipes.keySet();
    }

    /** The revision of the recipe of image {@code name}, as a fresh build would record it. */
    public String revision(String name) {
        RootfsRecipe recipe = recipes.get(name);
        return recipe == null ? null : recipe.revision();
    }

    /**
     * Builds image {@code name}, replacing an existing one, and prints what it does to {@code progress}.
     *
     * @throws ImageBuildException for an unknown name or a failed build; the old image is then untouched
     */
    @SuppressWarnings("try") // the lock is held for the block's duration, never read
    public ImageInfo build(String name, PrintStream progress) {
        RootfsRecipe recipe = recipes.get(name);
        if (recipe == null) {
            throw new ImageBuildException("unknown image '" + name + "'; images this agent can build: "
                    + String.join(", ", recipes.keySet()));
        }
        long started = System.nanoTime();
        try (FileChannel lockFile = lockFile(name); FileLock lock = acquire(lockFile, name, progress)) {
            for (Path stale : store.staleBuildDirs(name)) {
                progress.println("removing an interrupted build: " + stale);
                DirectoryTree.delete(stale);
            }
            Path buildDir = store.newBuildDir(name);
            progress.printf("building image '%s' in %s%n", name, buildDir);
            try {
                recipe.populate(buildDir.resolve("rootfs"), progress);
                long idOffset = shift(buildDir, progress);
                ImageInfo info = store.install(name, buildDir, Instant.now(), idOffset, recipe.revision());
                progress.printf(Locale.ROOT, "image '%s' ready: %.1f MB in %.1f s%n", name,
                        info.sizeBytes() / 1e6, (System.nanoTime() - started) / 1e9);
                return info;
            } catch (IOException | UncheckedIOException | CommandFailedException | IllegalStateException e) {
                deleteQuietly(buildDir, e);
                throw e;
            }
        } catch (IOException | UncheckedIOException | CommandFailedException | IllegalStateException e) {
            throw new ImageBuildException("building image '" + name + "' failed: " + e.getMessage(), e);
        }
    }

    /** Shifts the rootfs and closes the image directory; returns the id offset. */
    private long shift(Path buildDir, PrintStream progress) throws IOException {
        if (shift == null) {
            return 0;
        }
        IdShift.Result result = shift.shift(buildDir.resolve("rootfs"));
        Files.setAttribute(buildDir, "unix:mode", 0700);
        progress.printf(Locale.ROOT, "  shifted %d files to the sandboxes' ids (%s) in %.1f s: %d setuid/setgid modes and "
                + "%d file capabilities restored, %d extra hard links skipped%n", result.entries(), shift.mapping(),
                result.took().toMillis() / 1e3, result.modesRestored(), result.capabilitiesRestored(), result.hardLinksSkipped());
        return shift.mapping().start();
    }

    /** Serialises builds of one image, also across processes (a CLI build while the server runs). */
    private FileChannel lockFile(String name) throws IOException {
        Files.createDirectories(store.imagesDir());
        return FileChannel.open(store.imagesDir().resolve("." + name + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    private static FileLock acquire(FileChannel lockFile, String name, PrintStream progress) throws IOException {
        FileLock lock;
        try {
            lock = lockFile.tryLock();
        } catch (OverlappingFileLockException e) {
            throw new ImageBuildException("image '" + name + "' is already being built by this process", e);
        }
        if (lock == null) {
            progress.printf("waiting for another build of image '%s' to finish%n", name);
            lock = lockFile.lock();
        }
        return lock;
    }

    private static void deleteQuietly(Path dir, Exception failure) {
        try {
            DirectoryTree.delete(dir);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
