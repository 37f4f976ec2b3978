package dev.mags.agent.disk;

import dev.mags.agent.rootfs.Mount;
import dev.mags.agent.rootfs.MountEntry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Creates and releases sandbox disks: a sparse file of the disk limit, formatted ext4, loop-mounted.
 * Only what is written takes space on the host.
 */
public final class SandboxDisk {
    private final Mkfs mkfs;
    private final Mount mount;
    private final Losetup losetup;

    public SandboxDisk(Mkfs mkfs, Mount mount, Losetup losetup) {
        this.mkfs = Objects.requireNonNull(mkfs, "mkfs");
        this.mount = Objects.requireNonNull(mount, "mount");
        this.losetup = Objects.requireNonNull(losetup, "losetup");
    }

    /** Creates {@code file} ({@code sizeBytes}, sparse) and formats it; a new file, never an existing one. */
    public void format(Path file, long sizeBytes) throws IOException {
        Files.createFile(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(sizeBytes);
        }
        mkfs.ext4(file);
    }

    /** Mounts the formatted {@code file} on the existing directory {@code target}. */
    public void mount(Path file, Path target) {
        mount.loop(file, target);
    }

    /**
     * Unmounts {@code target} if mounted and makes sure no loop device is left on {@code file}: mount's
     * auto-clear detaches it normally; if the unmount had to be lazy (still in use), detaching now
     * makes the kernel free it when its last user goes.
     */
    public void release(Path file, Path target) {
        for (MountEntry m : mount.mountsUnder(target)) {
            mount.unmount(m.mountPoint());
        }
        Path normalized = file.toAbsolutePath().normalize();
        for (LoopDevice device : losetup.backedBelow(normalized)) {
            if (device.backingFile().equals(normalized)) {
                detach(device.device(), normalized);
            }
        }
    }

    private void detach(String device, Path file) {
        try {
            losetup.detach(device);
        } catch (RuntimeException e) {
            // Auto-clear may have detached it between our look and losetup's: only a device still on our file is a failure.
            if (losetup.backingFile(device).filter(file::equals).isPresent()) {
                throw e;
            }
        }
    }

    /** Bytes the sandbox may still write on the disk mounted at {@code mountPoint} (statfs). */
    public static long usableBytes(Path mountPoint) {
        try {
            return Files.getFileStore(mountPoint).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot statfs " + mountPoint, e);
        }
    }
}
