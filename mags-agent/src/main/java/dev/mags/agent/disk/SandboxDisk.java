package dev.mags.agent.disk;

import dev.mags.agent.rootfs.Mount;
import dev.mags.agent.rootfs.MountEntry;
import dev.mags.agent.rootfs.PrivateDirs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates and releases sandbox disks: a sparse file of the disk limit, formatted ext4, loop-mounted.
 * Only what is written takes space on the host.
 */
public final class SandboxDisk {
    private static final Duration AUTO_CLEAR_WAIT = Duration.ofMillis(200);
    private static final Duration DETACH_WAIT = Duration.ofSeconds(10);
    private final Mkfs mkfs;
    private final Mount mount;
    private final Losetup losetup;
    private final DiskTemplates templates;
    private final Set<Path> privateDirs = ConcurrentHashMap.newKeySet();

    public SandboxDisk(Mkfs mkfs, Mount mount, Losetup losetup) {
        this(mkfs, mount, losetup, null);
    }

    /** @param templatesDir where formatted templates are kept ({@link #createFresh}), or null to format each disk */
    public SandboxDisk(Mkfs mkfs, Mount mount, Losetup losetup, Path templatesDir) {
        this.mkfs = Objects.requireNonNull(mkfs, "mkfs");
        this.mount = Objects.requireNonNull(mount, "mount");
        this.losetup = Objects.requireNonNull(losetup, "losetup");
        this.templates = templatesDir == null ? null : new DiskTemplates(templatesDir, mkfs);
    }

    /**
     * Creates {@code file} ({@code sizeBytes}, sparse, mode 0600: it holds a sandbox's files) and formats it;
     * a new file, never an existing one.
     */
    public void format(Path file, long sizeBytes) throws IOException {
        Files.createFile(file, PrivateDirs.FILE);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(sizeBytes);
        }
        mkfs.ext4(file);
    }

    /**
     * Creates {@code file} as {@link #format} does, by copying a template formatted once per size when there
     * are templates: for throwaway sandbox disks (copies share the template's file system UUID).
     */
    public void createFresh(Path file, long sizeBytes) throws IOException {
        if (privateDirs.add(file.getParent())) {
            PrivateDirs.ensure(file.getParent()); // once: the sandboxes' disks are theirs alone
        }
        if (templates == null || !templates.usable(sizeBytes)) {
            format(file, sizeBytes);
            return;
        }
        try {
            templates.copyTo(file, sizeBytes);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
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
        List<LoopDevice> left = awaitAutoClear(normalized, AUTO_CLEAR_WAIT);
        if (left.isEmpty()) {
            return;
        }
        for (LoopDevice device : left) {
            detach(device.device(), normalized);
        }
        // A detach of a device still in use only marks it: the kernel frees it at its last close, which a
        // mount namespace copied by a container being created at that moment can delay. The disk is released
        // when its device is gone, not before: a next sandbox on a workspace disk must find it free.
        List<LoopDevice> stuck = awaitAutoClear(normalized, DETACH_WAIT);
        if (!stuck.isEmpty()) {
            throw new IllegalStateException("loop device " + stuck.get(0).device() + " still backs " + normalized + " "
                    + DETACH_WAIT.toSeconds() + " s after its detach; reconcile detaches it at the next start");
        }
    }

    /**
     * The loop devices still on {@code file} after a short wait: the kernel clears an auto-clear device on
     * its last close, which it may finish a moment after the unmount returned; a detach is needed (and
     * costs a process) only when one stays.
     */
    private List<LoopDevice> awaitAutoClear(Path file, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<LoopDevice> left = losetup.backedBelow(file).stream().filter(d -> d.backingFile().equals(file)).toList();
            if (left.isEmpty() || System.nanoTime() > deadline) {
                return left;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // cleanup goes on: detach what is left now
                return left;
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
