package dev.mags.agent.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.ProcessLauncher;
import dev.mags.agent.security.FileCapabilities;
import dev.mags.agent.security.IdMapping;
import dev.mags.agent.security.IdShift;
import dev.mags.protocol.v2.ImageInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageBuilderTest {
    @TempDir
    Path images;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream progress = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private static RootfsRecipe writing(String content) {
        return (rootfs, progress) -> {
            Files.createDirectories(rootfs);
            Files.writeString(rootfs.resolve("marker"), content);
            progress.println("  wrote the marker");
        };
    }

    @Test
    void buildsAndReportsProgress() {
        ImageStore store = new ImageStore(images);
        ImageBuilder builder = new ImageBuilder(store, Map.of("tiny", writing("v1")));

        ImageInfo info = builder.build("tiny", progress);

        assertThat(store.find("tiny")).contains(info);
        assertThat(store.rootfs("tiny").resolve("marker")).hasContent("v1");
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("building image 'tiny'")
                .contains("  wrote the marker")
                .contains("image 'tiny' ready");
    }

    @Test
    void aFailedBuildLeavesTheOldImageAndNoTemporaryDirectory() throws Exception {
        ImageStore store = new ImageStore(images);
        new ImageBuilder(store, Map.of("tiny", writing("v1"))).build("tiny", progress);
        RootfsRecipe failing = (rootfs, p) -> {
            Files.createDirectories(rootfs);
            throw new IOException("mirror unreachable");
        };

        assertThatThrownBy(() -> new ImageBuilder(store, Map.of("tiny", failing)).build("tiny", progress))
                .isInstanceOf(ImageBuildException.class)
                .hasMessageContaining("building image 'tiny' failed")
                .hasMessageContaining("mirror unreachable");
        assertThat(store.rootfs("tiny").resolve("marker")).hasContent("v1");
        assertThat(store.staleBuildDirs("tiny")).isEmpty();
    }

    @Test
    void removesLeftoversOfAnInterruptedBuild() throws Exception {
        ImageStore store = new ImageStore(images);
        Path stale = store.newBuildDir("tiny");

        new ImageBuilder(store, Map.of("tiny", writing("v1"))).build("tiny", progress);

        assertThat(stale).doesNotExist();
    }

    @Test
    void unknownNamesAreRefusedWithTheKnownOnes() {
        ImageBuilder builder = ImageBuilder.standard(new ImageStore(images));

        assertThat(builder.names()).containsExactly("busybox", "debian");
        assertThatThrownBy(() -> builder.build("alpine", progress))
                .isInstanceOf(ImageBuildException.class)
                .hasMessage("unknown image 'alpine'; images this agent can build: busybox, debian");
    }

    @Test
    void shiftsTheRootfsRecordsTheOffsetAndClosesTheImageDirectory() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "chown to other users needs root");
        ImageStore store = new ImageStore(images);
        IdShift shift = new IdShift(IdMapping.DEFAULT, new FileCapabilities(new CommandRunner(ProcessLauncher.system())));

        new ImageBuilder(store, Map.of("tiny", writing("v1")), shift).build("tiny", progress);

        assertThat(store.idOffset("tiny")).hasValue(100_000);
        assertThat(Files.getAttribute(store.rootfs("tiny").resolve("marker"), "unix:uid")).isEqualTo(100_000);
        assertThat((int) Files.getAttribute(images.resolve("tiny"), "unix:mode") & 0777).isEqualTo(0700);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("shifted 2 files to the sandboxes' ids");
    }

    @Test
    void theBuilderForTestsMakesUnshiftedImages() {
        ImageStore store = new ImageStore(images);

        new ImageBuilder(store, Map.of("tiny", writing("v1"))).build("tiny", progress);

        assertThat(store.idOffset("tiny")).hasValue(0);
    }
}
