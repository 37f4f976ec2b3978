package dev.mags.agent.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What sparse disk images may still take is their size less what they hold, read from the file system. */
class DiskSpaceMeterTest {
    private static final long MIB = 1024 * 1024;
    @TempDir
    Path dir;

    private static Path sparse(Path file, long size, long written) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
            f.write(new byte[(int) written]);
            f.getFD().sync();
        }
        return file;
    }

    @Test
    void sparseDisksMayStillTakeTheirSizeLessWhatTheyHold() throws Exception {
        Path disks = Files.createDirectory(dir.resolve("sandbox-disks"));
        sparse(disks.resolve("a.img"), 512 * MIB, 8 * MIB);
        sparse(disks.resolve("b.img"), 256 * MIB, 0);
        Path workspaceDisk = sparse(dir.resolve("disk.img"), 128 * MIB, 32 * MIB);
        DiskSpaceMeter meter = new DiskSpaceMeter(disks);

        long expected = (512 - 8) * MIB + 256 * MIB + (128 - 32) * MIB;
        long growable = meter.growableBytes(List.of(workspaceDisk));
        // The file system may give a file a few more blocks than its data (extent metadata), never fewer.
        assertThat(growable).isBetween(expected - MIB, expected);
        assertThat(meter.growableBytes(List.of())).isBetween(expected - (128 - 32) * MIB - MIB, expected - (128 - 32) * MIB);
        assertThat(meter.growableBytes(List.of(dir.resolve("released.img")))).isEqualTo(meter.growableBytes(List.of()));
    }

    @Test
    void freeSpaceIsThatOfTheDisksFileSystem() throws Exception {
        DiskSpaceMeter meter = new DiskSpaceMeter(dir.resolve("not-yet-created"));
        long free = meter.freeBytes();
        long reported = Files.getFileStore(dir).getUsableSpace();
        assertThat(free).isPositive().isBetween(reported - 64 * MIB, reported + 64 * MIB);
    }
}
