package dev.mags.bench;

import dev.mags.sdk.Mags;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code upload_mbps}: a file uploaded as {@code mags run -f} sends it (the SDK's multipart upload, into the
 * embedded S3 store under the data dir), beside {@code disk_write_mbps}, the same bytes written and synced to a
 * file in the same data dir: the floor of what the server can keep per second.
 */
final class UploadRate {
    private static final double MB = 1_000_000.0;

    private UploadRate() {}

    /** Upload rates (MB/s), one per sample, of a file of {@code mib} MiB. */
    static List<Double> upload(Magsd magsd, Path work, int mib, int samples) throws IOException {
        Path file = blob(work, mib);
        List<Double> rates = new ArrayList<>();
        try (Mags mags = Bench.client(magsd)) {
            mags.uploadFile(file, n -> { }); // warm-up: JIT, connection, bucket
            for (int i = 0; i < samples; i++) {
                long start = System.nanoTime();
                mags.uploadFile(file, n -> { });
                rates.add(Files.size(file) / MB / ((System.nanoTime() - start) / 1e9));
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return rates;
    }

    /** Write-and-sync rates (MB/s) of {@code mib} MiB to a file in {@code dir}, one per sample. */
    static List<Double> diskWrite(Path dir, int mib, int samples) throws IOException {
        byte[] block = new byte[1 << 20];
        new Random(7).nextBytes(block);
        List<Double> rates = new ArrayList<>();
        Path file = dir.resolve("bench-disk-write.bin");
        try {
            for (int i = 0; i < samples; i++) {
                long start = System.nanoTime();
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    for (int m = 0; m < mib; m++) {
                        ByteBuffer b = ByteBuffer.wrap(block);
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                    }
                    ch.force(true);
                }
                rates.add(mib * (double) (1 << 20) / MB / ((System.nanoTime() - start) / 1e9));
                Files.delete(file);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return rates;
    }

    private static Path blob(Path work, int mib) throws IOException {
        Files.createDirectories(work);
        Path file = work.resolve("upload.bin");
        byte[] block = new byte[1 << 20];
        Random random = new Random(11);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int m = 0; m < mib; m++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        return file;
    }
}
