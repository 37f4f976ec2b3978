package dev.mags.agent.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.protocol.v2.ImageInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
    @TempDir
    Path images;

    private Path build(ImageStore store, String name, String fileContent) throws Exception {
        Path buildDir = store.newBuildDir(name);
        Files.createDirectories(buildDir.resolve("rootfs/bin"));
        Files.writeString(buildDir.resolve("rootfs/bin/tool"), fileContent);
        return buildDir;
    }

    @Test
    void anImageExistsOnlyWithItsManifest() throws Exception {
        ImageStore store = new ImageStore(images);
        Files.createDirectories(images.resolve("debian/rootfs"));

        assertThat(store.find("debian")).isEmpty();
        assertThat(store.list()).isEmpty();
    }

    @Test
    void installMovesTheBuildInPlaceAndWritesTheManifest() throws Exception {
        ImageStore store = new ImageStore(images);
        Path buildDir = build(store, "busybox", "12345");
        Instant builtAt = Instant.parse("2026-01-02T03:04:05Z");

        ImageInfo info = store.install("busybox", buildDir, builtAt, 100_000);

        assertThat(info).isEqualTo(new ImageInfo("busybox", builtAt, 5));
        assertThat(buildDir).doesNotExist();
        assertThat(store.rootfs("busybox").resolve("bin/tool")).hasContent("12345");
        assertThat(store.find("busybox")).contains(info);
        assertThat(store.list()).containsExactly(info);
        assertThat(Files.readString(images.resolve("busybox/image.json")))
                .contains("\"name\" : \"busybox\"")
                .contains("\"built_at\" : \"2026-01-02T03:04:05Z\"")
                .contains("\"size_bytes\" : 5")
                .contains("\"id_offset\" : 100000");
        assertThat(store.idOffset("busybox")).hasValue(100_000);
    }

    @Test
    void reinstallReplacesTheOldImageCompletely() throws Exception {
        ImageStore store = new ImageStore(images);
        store.install("busybox", build(store, "busybox", "old"), Instant.now(), 100_000);
        Files.writeString(store.rootfs("busybox").resolve("stale"), "x");

        store.install("busybox", build(store, "busybox", "newer"), Instant.now(), 200_000);

        assertThat(store.rootfs("busybox").resolve("bin/tool")).hasContent("newer");
        assertThat(store.idOffset("busybox")).hasValue(200_000);
        assertThat(store.rootfs("busybox").resolve("stale")).doesNotExist();
        assertThat(store.staleBuildDirs("busybox")).isEmpty();
    }

    @Test
    void buildDirsAreHiddenNextToTheImages() throws Exception {
        ImageStore store = new ImageStore(images);
        Path buildDir = build(store, "debian", "x");

        assertThat(buildDir.getParent()).isEqualTo(images);
        assertThat(buildDir.getFileName().toString()).startsWith(".debian.build-");
        assertThat(store.list()).isEmpty();
        assertThat(store.staleBuildDirs("debian")).containsExactly(buildDir);
    }

    @Test
    void anImageFromBeforeShiftingHasOffsetZero() throws Exception {
        ImageStore store = new ImageStore(images);
        Files.createDirectories(images.resolve("old/rootfs"));
        Files.writeString(images.resolve("old/image.json"),
                "{\"name\":\"old\",\"built_at\":\"2026-01-01T00:00:00Z\",\"size_bytes\":1}");

        assertThat(store.find("old")).isPresent();
        assertThat(store.idOffset("old")).hasValue(0);
        assertThat(store.idOffset("missing")).isEmpty();
    }

    @Test
    void anUnreadableManifestMeansNoImage() throws Exception {
        ImageStore store = new ImageStore(images);
        Files.createDirectories(images.resolve("broken/rootfs"));
        Files.writeString(images.resolve("broken/image.json"), "{not json");

        assertThat(store.find("broken")).isEmpty();
    }

    @Test
    void rejectsNamesThatAreNotPlainWords() {
        ImageStore store = new ImageStore(images);

        assertThat(store.find("../etc")).isEmpty();
        assertThat(ImageStore.isValidName("debian")).isTrue();
        assertThat(ImageStore.isValidName(".hidden")).isFalse();
        assertThatThrownBy(() -> store.rootfs("a/b")).isInstanceOf(IllegalArgumentException.class);
    }
}
