package dev.mags.agent.rootfs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicLong;

/** Whole-directory operations on sandbox and image trees, never following symlinks. */
public final class DirectoryTree {
    private DirectoryTree() {}

    /**
     * Deletes {@code dir} and everything in it; a missing {@code dir} is fine. Refuses to enter another
     * file system: if an overlay were still mounted inside, deleting through it would be wrong at best.
     */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Object device = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!device.equals(Files.getAttribute(d, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                    throw new IOException("refusing to delete " + d + ": another file system is mounted there");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Sum of the sizes of the regular files in {@code dir} (what a copy would need, roughly). */
    public static long sizeBytes(Path dir) throws IOException {
        AtomicLong total = new AtomicLong();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total.addAndGet(attrs.size());
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return total.get();
    }
}
