package dev.mags.agent.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.protocol.v2.ImageInfo;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base images on disk: image {@code NAME} is {@code <imagesDir>/NAME/rootfs/} plus
 * {@code <imagesDir>/NAME/image.json}. The manifest is written last, so an image exists exactly
 * when its manifest does and a half-built or half-replaced image is never used. Directories whose
 * names start with a dot are builds in progress.
 */
public final class ImageStore {
    static final String MANIFEST = "image.json";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(ImageStore.class);

    private final Path imagesDir;

    public ImageStore(Path imagesDir) {
        this.imagesDir = imagesDir.toAbsolutePath().normalize();
    }

    public Path imagesDir() {
        return imagesDir;
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The built images, by name. */
    public List<ImageInfo> list() {
        if (!Files.isDirectory(imagesDir)) {
            return List.of();
        }
        List<ImageInfo> images = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(imagesDir)) {
            for (Path dir : dirs.sorted().toList()) {
                find(dir.getFileName().toString()).ifPresent(images::add);
            }
        } catch (IOException e) {
            log.warn("cannot list images in {}: {}", imagesDir, e.toString());
        }
        images.sort(Comparator.comparing(ImageInfo::name));
        return images;
    }

    public Optional<ImageInfo> find(String name) {
        return manifest(name).map(ImageManifest::toInfo);
    }

    /**
     * The host id that root of the sandboxes must have for image {@code name}'s files to be theirs:
     * the offset its rootfs was shifted by; 0 for an image built before images were shifted. Empty
     * when the image does not exist.
     */
    public OptionalLong idOffset(String name) {
        return manifest(name).map(m -> OptionalLong.of(m.idOffset() == null ? 0 : m.idOffset())).orElse(OptionalLong.empty());
    }

    /** The revision of the recipe image {@code name} was built by; empty if absent or not recorded. */
    public Optional<String> revision(String name) {
        return manifest(name).map(ImageManifest::revision);
    }

    private Optional<ImageManifest> manifest(String name) {
        if (!isValidName(name)) {
            return Optional.empty();
        }
        Path manifest = imagesDir.resolve(name).resolve(MANIFEST);
        try {
            ImageManifest read = JSON.readValue(manifest.toFile(), ImageManifest.class);
            read.toInfo(); // a manifest whose fields do not parse makes no image
            return Optional.of(read);
        } catch (NoSuchFileException | FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring image '{}': unreadable {}: {}", name, manifest, e.toString());
            return Optional.empty();
        }
    }

    /** Where image {@code name}'s root filesystem is (whether or not it is built). */
    public Path rootfs(String name) {
        requireValid(name);
        return imagesDir.resolve(name).resolve("rootfs");
    }

    /** A fresh directory next to the images, on the same file system, so that installing is a rename. */
    Path newBuildDir(String name) throws IOException {
        requireValid(name);
        Files.createDirectories(imagesDir);
        Path dir = Files.createTempDirectory(imagesDir, "." + name + ".build-");
        // Temp directories are 0700; apt inside mmdebstrap drops to user _apt and must get in.
        Files.setAttribute(dir, "unix:mode", 0755);
        return dir;
    }

    /** Leftovers of builds of {@code name} that were interrupted; the caller holds the build lock. */
    List<Path> staleBuildDirs(String name) throws IOException {
        if (!Files.isDirectory(imagesDir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(imagesDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("." + name + ".build-")
                    || d.getFileName().toString().startsWith("." + name + ".old-")).toList();
        }
    }

    /**
     * Makes the finished build in {@code buildDir} (holding {@code rootfs/}) image {@code name}: the
     * old image, if any, stops existing first, then the build is renamed in place, then the manifest
     * is written.
     *
     * @param idOffset what the rootfs's ownership was shifted by; 0 for none
     */
    ImageInfo install(String name, Path buildDir, Instant builtAt, long idOffset) throws IOException {
        return install(name, buildDir, builtAt, idOffset, null);
    }

    /** As {@link #install(String, Path, Instant, long)}, recording the recipe's revision in the manifest. */
    ImageInfo install(String name, Path buildDir, Instant builtAt, long idOffset, String revision) throws IOException {
        requireValid(name);
        long size = DirectoryTree.sizeBytes(buildDir.resolve("rootfs"));
        Path target = imagesDir.resolve(name);
        Path old = null;
        if (Files.exists(target)) {
            Files.deleteIfExists(target.resolve(MANIFEST));
            old = imagesDir.resolve("." + name + ".old-" + System.nanoTime());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(buildDir, target, StandardCopyOption.ATOMIC_MOVE);
        ImageInfo info = new ImageInfo(name, builtAt, size);
        Path partial = target.resolve(MANIFEST + ".partial");
        JSON.writerWithDefaultPrettyPrinter().writeValue(partial.toFile(), ImageManifest.of(info, idOffset, revision));
        Files.move(partial, target.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
            // Sandboxes still running on the old image use it as their overlay's lower layer and may
            // see its files vanish: rebuild an image while none of its sandboxes run.
            DirectoryTree.delete(old);
        }
        return info;
    }

    private static void requireValid(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("image name '" + name + "' is not [a-z0-9][a-z0-9_.-]*");
        }
    }
}
