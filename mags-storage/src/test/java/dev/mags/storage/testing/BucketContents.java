package dev.mags.storage.testing;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The plain bytes of every chunk and pack the embedded S3 server holds (each object a file of zstd frames in
 * its bucket directory): what a workspace's snapshots can ever restore, the syncs whose snapshots retention
 * deleted since included (collection has not run).
 */
public final class BucketContents {
    private BucketContents() {}

    /** The chunk and pack objects whose plain bytes contain {@code needle}. */
    public static List<Path> holding(Path bucketDir, byte[] needle) throws IOException {
        List<Path> objects;
        try (Stream<Path> s = Stream.concat(walk(bucketDir.resolve("chunks")), walk(bucketDir.resolve("packs")))) {
            objects = s.filter(Files::isRegularFile).toList();
        }
        return objects.stream().filter(p -> contains(plain(p), needle)).toList();
    }

    /** How many chunk and pack objects there are. */
    public static long objects(Path bucketDir) throws IOException {
        try (Stream<Path> s = Stream.concat(walk(bucketDir.resolve("chunks")), walk(bucketDir.resolve("packs")))) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    private static Stream<Path> walk(Path dir) throws IOException {
        return Files.isDirectory(dir) ? Files.walk(dir) : Stream.empty();
    }

    /** A pack is zstd frames back to back; the stream decodes one after the other. */
    private static byte[] plain(Path object) {
        try (InputStream in = new ZstdInputStream(Files.newInputStream(object))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot decode " + object, e);
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
