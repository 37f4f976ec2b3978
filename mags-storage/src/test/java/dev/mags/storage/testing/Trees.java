package dev.mags.storage.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Generates test trees with deterministic content. */
public final class Trees {
    private Trees() {}

    /** Writes {@code size} bytes, half random and half repetitive text, seeded so content is reproducible. */
    public static void file(Path p, long size, long seed) throws IOException {
        Files.createDirectories(p.getParent());
        Random r = new Random(seed);
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(p)) {
            long left = size;
            boolean random = true;
            while (left > 0) {
                if (random) {
                    r.nextBytes(buf);
                } else {
                    for (int i = 0; i < buf.length; i++) {
                        buf[i] = (byte) ("mags workspace line " + (i / 32)).charAt(i % 20);
                    }
                }
                random = !random;
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                left -= n;
            }
        }
    }

    /** {@code count} files under {@code root} spread over subdirectories, sizes around {@code avgSize}. */
    public static long many(Path root, int count, long avgSize, long seed) throws IOException {
        Random r = new Random(seed);
        long total = 0;
        for (int i = 0; i < count; i++) {
            long size = avgSize <= 0 ? 0 : (long) (r.nextDouble() * 2 * avgSize);
            file(root.resolve("d" + (i % 50)).resolve("sub" + (i % 7)).resolve("f" + i + ".bin"), size, seed * 1_000_003 + i);
            total += size;
        }
        return total;
    }
}
