package dev.mags.dist;

import dev.mags.controlplane.files.FileBlobs;
import dev.mags.controlplane.files.FileStorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Uploaded files in the bucket of the embedded S3 store, written straight into its directory rather than through
 * its HTTP port: the same objects as {@link BucketFileBlobs} makes ({@code files/<user id>/<file id>/<part>}, each
 * an ordinary file at {@code <bucket dir>/<key>}, as the embedded server keeps every object), without a second HTTP
 * hop and the server's two hashes of every byte. A part is written to a hidden name, synced, then renamed: a part
 * under its own name is always whole, and an upload that was answered is on the disk.
 */
final class EmbeddedStoreFileBlobs implements FileBlobs {
    /** What a user or file id may be to name a directory: the server's own UUIDs. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
    /** Users' files are magsd's alone, whatever the process's umask (the umask can only take bits away). */
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path files;

    /** @param bucketDir the directory of the bucket in the embedded store's root */
    EmbeddedStoreFileBlobs(Path bucketDir) {
        this.files = bucketDir.resolve(BucketFileBlobs.PREFIX);
    }

    @Override
    public void putPart(String userId, String fileId, int index, byte[] data, int length) {
        Path dir = dir(userId, fileId);
        Path part = dir.resolve(BucketFileBlobs.partName(index));
        Path writing = dir.resolve("." + part.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(dir, PRIVATE_DIR);
            try (FileChannel ch = FileChannel.open(writing, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PRIVATE_FILE)) {
                ByteBuffer bytes = ByteBuffer.wrap(data, 0, length);
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            Files.move(writing, part, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(writing);
            throw new FileStorageException("cannot write part " + index + " of file " + fileId + " to " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String userId, String fileId, int parts) {
        Path dir = dir(userId, fileId);
        return FileBlobs.inOrder(parts, index -> {
            Path part = dir.resolve(BucketFileBlobs.partName(index));
            try {
                return Files.newInputStream(part, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                throw new FileStorageException("part " + index + " of file " + fileId + " is missing from " + dir, e);
            } catch (IOException e) {
                throw new FileStorageException("cannot read " + part + ": " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void delete(String userId, String fileId) {
        Path dir = dir(userId, fileId);
        try (Stream<Path> inside = Files.list(dir)) {
            for (Path p : inside.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (NoSuchFileException e) {
            // nothing stored, or deleted already
        } catch (IOException | UncheckedIOException e) {
            throw new FileStorageException("cannot delete the parts of file " + fileId + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<StoredBlob> list() {
        List<StoredBlob> found = new ArrayList<>();
        try (DirectoryStream<Path> users = Files.newDirectoryStream(files, Files::isDirectory)) {
            for (Path user : users) {
                try (DirectoryStream<Path> ids = Files.newDirectoryStream(user, Files::isDirectory)) {
                    for (Path file : ids) {
                        found.add(new StoredBlob(user.getFileName().toString(), file.getFileName().toString(),
                                newest(file)));
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return found; // no upload yet
        } catch (IOException | UncheckedIOException e) {
            throw new FileStorageException("cannot list the uploaded files in " + files + ": " + e.getMessage(), e);
        }
        return found;
    }

    /** The time of the file's newest part (or of its directory, when it has none yet). */
    private static Instant newest(Path file) throws IOException {
        try (Stream<Path> parts = Files.list(file)) {
            Instant dirTime = Files.getLastModifiedTime(file).toInstant();
            return parts.map(EmbeddedStoreFileBlobs::modified).max(Comparator.naturalOrder())
                    .filter(t -> t.isAfter(dirTime)).orElse(dirTime);
        }
    }

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH; // removed meanwhile
        }
    }

    private Path dir(String userId, String fileId) {
        return files.resolve(checked(userId)).resolve(checked(fileId));
    }

    /** An id as one path segment: never a separator, never "." or "..". */
    private static String checked(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not an id of the server's: '" + id + "'");
        }
        return id;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // the sweep of unfinished uploads removes it with its file's directory
        }
    }
}
