package dev.mags.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncTreeTest {
    @TempDir
    Path dir;

    @Test
    void holdsExactlyThePlannedBytesInThePlannedFiles() throws IOException {
        List<Path> files = SyncTree.write(dir.resolve("t"), 1_000_003, 101, 7);

        assertThat(files).hasSize(101).doesNotHaveDuplicates();
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        assertThat(total).isEqualTo(1_000_003);
    }

    @Test
    void sizesVaryAroundTheMean() {
        long[] sizes = SyncTree.sizes(10_000_000, 1_000, new SplittableRandom(3));

        assertThat(Arrays.stream(sizes).sum()).isEqualTo(10_000_000);
        assertThat(Arrays.stream(sizes).min().orElseThrow()).isGreaterThanOrEqualTo(0).isLessThan(5_000);
        assertThat(Arrays.stream(sizes).max().orElseThrow()).isGreaterThan(15_000).isLessThan(20_000);
    }

    @Test
    void theSameSeedWritesTheSameBytesAndFilesDiffer() throws IOException {
        List<Path> a = SyncTree.write(dir.resolve("a"), 200_000, 4, 5);
        List<Path> b = SyncTree.write(dir.resolve("b"), 200_000, 4, 5);

        for (int i = 0; i < a.size(); i++) {
            assertThat(Files.readAllBytes(a.get(i))).isEqualTo(Files.readAllBytes(b.get(i)));
        }
        assertThat(Files.readAllBytes(a.get(0))).isNotEqualTo(Files.readAllBytes(a.get(1)));
    }

    @Test
    void theSecondHalfOfAFileIsText() throws IOException {
        Path f = SyncTree.write(dir.resolve("t"), 100_000, 1, 9).getFirst();

        byte[] bytes = Files.readAllBytes(f);
        String text = new String(bytes, 50_000, 50_000, StandardCharsets.US_ASCII);
        assertThat(text).startsWith("line 0 of workspace file ").contains("\nline 1 of workspace file ");
    }

    @Test
    void aRewriteKeepsTheSizeAndChangesTheContent() throws IOException {
        Path f = SyncTree.write(dir.resolve("t"), 100_000, 1, 9).getFirst();
        byte[] before = Files.readAllBytes(f);

        SyncTree.rewrite(f, -1);

        assertThat(Files.size(f)).isEqualTo(before.length);
        assertThat(Files.readAllBytes(f)).isNotEqualTo(before);
    }
}
