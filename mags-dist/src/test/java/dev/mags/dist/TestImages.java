package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Base images for end-to-end tests, built with the operator's own command. */
final class TestImages {
    private static Path busybox;

    private TestImages() {}

    /** An images dir holding busybox, built once per test JVM by {@code bin/magsd image build busybox}. */
    static synchronized Path busybox() {
        if (busybox == null) {
            Path dir = Path.of("target", "it-images").toAbsolutePath();
            if (!isShifted(dir.resolve("busybox/image.json"))) {
                Proc.Result r = Proc.run(Map.of(), Duration.ofMinutes(2), Repo.magsd(), "image", "build", "busybox",
                        "--images-dir", dir.toString());
                assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
            }
            busybox = dir;
        }
        return busybox;
    }

    /** Whether the image exists and was built for sandboxes in a user namespace (older builds were not). */
    private static boolean isShifted(Path manifest) {
        try {
            return Files.readString(manifest).contains("\"id_offset\"");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * The images dir holding debian, from MAGS_TEST_IMAGES_DIR (scripts/test builds it once per
     * run). Without it the Debian tests are skipped, saying how to run them.
     */
    static Path debian() {
        String dir = System.getenv("MAGS_TEST_IMAGES_DIR");
        Assumptions.assumeTrue(dir != null && Files.exists(Path.of(dir, "debian", "image.json")),
                "set MAGS_TEST_IMAGES_DIR to an images dir with debian (scripts/test does)");
        return Path.of(dir);
    }
}
