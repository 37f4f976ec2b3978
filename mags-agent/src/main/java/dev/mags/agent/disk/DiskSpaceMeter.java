package dev.mags.agent.disk;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.stream.Stream;

/**
 * Free space on the file system of the sandbox disks, and how much of it the sparse disks in use may
 * still take: a disk's size less the bytes it already holds ({@code stx_blocks} from statx, which
 * java.nio does not report; statx's layout is the same on every architecture).
 */
public final class DiskSpaceMeter {
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int STATX_SIZE = 0x200;
    private static final int STATX_BLOCKS = 0x400;
    private static final int STATX_BUFFER = 256;
    private static final long STX_SIZE_OFFSET = 40;
    private static final long STX_BLOCKS_OFFSET = 48;
    private static final int ENOENT = 2;

    /** Direct mapping: a call costs a fraction of an interface mapping's, and admission makes one per disk. */
    private static final class LibC {
        static {
            Native.register("c");
        }

        static native int statx(int dirfd, String path, int flags, int mask, Pointer buffer) throws LastErrorException;
    }

    private final Path sandboxDisksDir;
    /** statx's output, reused under this object's lock. */
    private final Memory buffer = new Memory(STATX_BUFFER);
    private volatile FileStore store;

    public DiskSpaceMeter(Path sandboxDisksDir) {
        this.sandboxDisksDir = sandboxDisksDir;
    }

    /** Bytes an unprivileged writer may still write to the file system of the sandbox disks. */
    public long freeBytes() {
        try {
            return store().getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of " + sandboxDisksDir, e);
        }
    }

    /** Summed over every disk image in the sandbox disks directory and {@code otherDisks}: size less allocation. */
    public synchronized long growableBytes(Collection<Path> otherDisks) {
        long total = 0;
        try (Stream<Path> files = Files.isDirectory(sandboxDisksDir) ? Files.list(sandboxDisksDir) : Stream.empty()) {
            for (Path disk : (Iterable<Path>) files::iterator) {
                total += growable(disk);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + sandboxDisksDir, e);
        }
        for (Path disk : otherDisks) {
            total += growable(disk);
        }
        return total;
    }

    /** A file's size less the bytes allocated to it; 0 for one that is gone (released meanwhile). */
    private long growable(Path file) {
        try {
            buffer.clear();
            LibC.statx(AT_FDCWD, file.toString(), AT_SYMLINK_NOFOLLOW, STATX_SIZE | STATX_BLOCKS, buffer);
            long size = buffer.getLong(STX_SIZE_OFFSET);
            long allocated = buffer.getLong(STX_BLOCKS_OFFSET) * 512;
            return Math.max(0, size - allocated);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ENOENT) {
                return 0;
            }
            throw new UncheckedIOException(new IOException("cannot stat " + file + ": " + e.getMessage(), e));
        }
    }

    private FileStore store() throws IOException {
        FileStore s = store;
        if (s == null) {
            Path existing = sandboxDisksDir;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                throw new NoSuchFileException(sandboxDisksDir.toString());
            }
            s = Files.getFileStore(existing);
            if (existing.equals(sandboxDisksDir)) {
                store = s; // an ancestor's store may not be the directory's once it exists
            }
        }
        return s;
    }
}
