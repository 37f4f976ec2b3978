package dev.mags.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The workspace the sync figures measure: files spread over 50 × 7 directories, each file half random
 * bytes (incompressible, and different in every file so no chunk is shared) and half numbered text
 * lines (what zstd compresses). Sizes vary around the mean in pairs of mean ± d, so the tree holds
 * exactly the planned bytes. Everything comes from the seed: the same plan writes the same bytes, so
 * runs compare.
 */
final class SyncTree {
    private static final int BUFFER = 64 * 1024;

    private SyncTree() {}

    /** Writes {@code files} files holding {@code bytes} in all under {@code root}; returns them in order. */
    static List<Path> write(Path root, long bytes, int files, long seed) throws IOException {
        long[] sizes = sizes(bytes, files, new SplittableRandom(seed));
        List<Path> written = new ArrayList<>(files);
        for (int i = 0; i < files; i++) {
            Path file = root.resolve("d" + (i % 50)).resolve("sub" + (i % 7)).resolve("f" + i + ".bin");
            Files.createDirectories(file.getParent());
            fill(file, sizes[i], seed * 1_000_003 + i);
            written.add(file);
        }
        return written;
    }

    /** Gives {@code file} new content of the same size, as an editor saving it in place would. */
    static void rewrite(Path file, long seed) throws IOException {
        fill(file, Files.size(file), seed);
    }

    static long[] sizes(long bytes, int files, SplittableRandom random) {
        long mean = bytes / files;
        long[] sizes = new long[files];
        for (int i = 0; i + 1 < files; i += 2) {
            long d = mean == 0 ? 0 : random.nextLong(mean);
            sizes[i] = mean + d;
            sizes[i + 1] = mean - d;
        }
        if (files % 2 == 1) {
            sizes[files - 1] = mean;
        }
        sizes[files - 1] += bytes % files;
        return sizes;
    }

    private static void fill(Path file, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), BUFFER)) {
            byte[] buf = new byte[BUFFER];
            long randomLeft = size / 2;
            while (randomLeft > 0) {
                random.nextBytes(buf);
                int n = (int) Math.min(buf.length, randomLeft);
                out.write(buf, 0, n);
                randomLeft -= n;
            }
            long textLeft = size - size / 2;
            for (long line = 0; textLeft > 0; line++) {
                byte[] text = ("line " + line + " of workspace file " + seed + ": some source text or a log\n")
                        .getBytes(StandardCharsets.US_ASCII);
                int n = (int) Math.min(text.length, textLeft);
                out.write(text, 0, n);
                textLeft -= n;
            }
        }
    }
}
