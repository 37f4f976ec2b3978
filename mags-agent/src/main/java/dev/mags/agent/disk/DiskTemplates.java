package dev.mags.agent.disk;

import dev.mags.agent.rootfs.PrivateDirs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Freshly formatted disks of each size, made once with {@code mkfs.ext4} and copied for each sandbox:
 * a copy of the few data extents of a new file system (under 200 KB for 2 GB) costs a fraction of
 * a millisecond in this process, where {@code mkfs} costs a process start and its own work every time.
 * A template is named by its size and a hash of the mkfs arguments, so a change of options makes a new one;
 * it is written aside and renamed, so a crash never leaves half a template.
 */
final class DiskTemplates {
    /** More data than a fresh file system holds means the file system here keeps no holes: mkfs each disk then. */
    private static final long MAX_TEMPLATE_DATA = 64L << 20;

    private final Path dir;
    private final Mkfs mkfs;
    private final Map<Long, List<SparseExtents.Extent>> extents = new ConcurrentHashMap<>();

    DiskTemplates(Path dir, Mkfs mkfs) {
        this.dir = dir;
        this.mkfs = mkfs;
    }

    /**
     * Writes a freshly formatted ext4 file system of {@code sizeBytes} to the new file {@code file}.
     *
     * @throws IOException when the template cannot be made or copied
     */
    void copyTo(Path file, long sizeBytes) throws IOException {
        List<SparseExtents.Extent> data = extentsOf(sizeBytes);
        Path template = template(sizeBytes);
        Files.createFile(file, PrivateDirs.FILE);
        try (FileChannel src = FileChannel.open(template, StandardOpenOption.READ);
                RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(sizeBytes);
            FileChannel dst = raf.getChannel();
            for (SparseExtents.Extent e : data) {
                long done = 0;
                while (done < e.length()) {
                    done += src.transferTo(e.start() + done, e.length() - done, dst.position(e.start() + done));
                }
            }
        }
    }

    /** Whether disks of this size are copied (false when the file system here keeps no holes). */
    boolean usable(long sizeBytes) throws IOException {
        return extentsOf(sizeBytes).stream().mapToLong(SparseExtents.Extent::length).sum() <= MAX_TEMPLATE_DATA;
    }

    private List<SparseExtents.Extent> extentsOf(long sizeBytes) throws IOException {
        List<SparseExtents.Extent> known = extents.get(sizeBytes);
        if (known != null) {
            return known;
        }
        synchronized (this) {
            known = extents.get(sizeBytes);
            if (known == null) {
                Path template = template(sizeBytes);
                if (!Files.exists(template)) {
                    make(template, sizeBytes);
                }
                known = List.copyOf(SparseExtents.of(template, sizeBytes));
                extents.put(sizeBytes, known);
            }
            return known;
        }
    }

    private void make(Path template, long sizeBytes) throws IOException {
        PrivateDirs.ensure(dir);
        Path fresh = template.resolveSibling(template.getFileName() + ".new");
        Files.deleteIfExists(fresh);
        try {
            Files.createFile(fresh, PrivateDirs.FILE);
            try (RandomAccessFile raf = new RandomAccessFile(fresh.toFile(), "rw")) {
                raf.setLength(sizeBytes);
            }
            mkfs.ext4(fresh);
            Files.move(fresh, template, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(fresh);
            throw e;
        }
    }

    private Path template(long sizeBytes) {
        String options = String.join(" ", Mkfs.ext4Argv(Path.of("x")));
        String hash = HexFormat.of().toHexDigits(options.hashCode());
        return dir.resolve("ext4-" + sizeBytes + "-" + hash + ".img");
    }
}
