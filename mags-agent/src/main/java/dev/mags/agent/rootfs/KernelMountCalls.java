package dev.mags.agent.rootfs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.mags.agent.process.CommandFailedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mount(2), umount2(2) and the loop driver's ioctls called from the agent's own process: a mount made by the
 * {@code mount} program costs a process start (a few ms of CPU, more on a virtualised host), and a sandbox
 * makes and removes several. Needs root, as the programs do.
 */
public final class KernelMountCalls implements MountCalls {
    private static final int MNT_DETACH = 2;
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int O_PATH = 0x200000;
    private static final int O_DIRECTORY = 0x10000;
    private static final int O_NOFOLLOW = 0x20000;
    private static final int S_IFBLK = 0x6000;
    private static final int EBUSY = 16;
    private static final int ENOENT = 2;
    private static final int EEXIST = 17;
    private static final long LOOP_CTL_GET_FREE = 0x4C82;
    private static final long LOOP_CONFIGURE = 0x4C0A;
    private static final int LOOP_MAJOR = 7;
    private static final int LO_FLAGS_AUTOCLEAR = 4;
    /** struct loop_config: fd, block_size, struct loop_info64 (232 bytes), 8 reserved u64. */
    private static final int LOOP_CONFIG_SIZE = 304;
    private static final int LOOP_CONFIG_FLAGS = 8 + 52;
    private static final int LOOP_CONFIG_FILE_NAME = 8 + 56;
    private static final int LO_NAME_SIZE = 64;
    /** Another attach may take the free device between asking for it and configuring it. */
    private static final int ATTACH_TRIES = 20;
    /** Mounts of a device just attached that were refused as busy, each retried on another device. */
    private static final int MOUNT_TRIES = 5;
    private static final Logger LOG = LoggerFactory.getLogger(KernelMountCalls.class);

    /** glibc's wrappers (64-bit Linux: unsigned long is a Java long). */
    interface LibC extends Library {
        int mount(String source, String target, String type, long flags, String data) throws LastErrorException;

        int umount2(String target, int flags) throws LastErrorException;

        int open(String path, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

        int mknod(String path, int mode, long dev) throws LastErrorException;
    }

    private final LibC libc;

    KernelMountCalls(LibC libc) {
        this.libc = libc;
    }

    /** Loads the C library's calls. */
    public static KernelMountCalls load() {
        return new KernelMountCalls(Native.load("c", LibC.class));
    }

    @Override
    public void mount(String source, Path target, String type, String options) {
        MountFlags split = MountFlags.of(options);
        try {
            libc.mount(source, target.toString(), type, split.flags(), split.data());
        } catch (LastErrorException e) {
            throw failed(List.of("mount(2)", "-t", type, "-o", options, source, target.toString()), e);
        }
    }

    /**
     * What {@code mount -o loop} does, without its process: a free device from {@code /dev/loop-control},
     * the file attached with {@code LOOP_CONFIGURE} and auto-clear, then the mount. Our descriptors are
     * closed at the end, so the mount holds the device's last reference and unmounting frees it; if the
     * mount fails, closing them frees it at once.
     *
     * <p>Loop devices are shared by every process on the host (two agents on one host, the runtime, other
     * software), and the kernel answers {@code EBUSY} while another opener holds a claim on a device for a
     * moment: to the attach (another attach took the same free device first) and, rarely, to the mount of the
     * device just attached (seen once in 300 sandboxes started at once by two agents on one host). Both are
     * retried on another device after a short pause, as util-linux and systemd do; each retry is logged with
     * its device, and a failure names the step that failed.
     */
    @Override
    public void mountLoop(Path file, Path target, String type, String options) {
        List<String> call = List.of("mount(2)", "-t", type, "-o", "loop," + options, file.toString(), target.toString());
        MountFlags split = MountFlags.of(options);
        int backing = -1;
        try {
            backing = libc.open(file.toString(), O_RDWR | O_CLOEXEC);
            for (int attempt = 1; ; attempt++) {
                Attached loop = attach(backing, file, call);
                try {
                    libc.mount(loop.device(), target.toString(), type, split.flags(), split.data());
                    return;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != EBUSY || attempt == MOUNT_TRIES) {
                        throw failed(call, e, "mounting " + loop.device() + " (attempt " + attempt + ")");
                    }
                    LOG.warn("mounting {} (attached to {}) on {}: busy; attaching the file to another device (attempt {})",
                            loop.device(), file, target, attempt);
                } finally {
                    closeQuietly(loop.fd()); // after a failed mount: auto-clear frees the device now
                }
                pause(attempt);
            }
        } catch (LastErrorException e) {
            throw failed(call, e, "opening " + file);
        } finally {
            closeQuietly(backing);
        }
    }

    /** A loop device attached to our file, open: closing its last descriptor (with no mount on it) frees it. */
    private record Attached(String device, int fd) {}

    private Attached attach(int backing, Path file, List<String> call) {
        for (int tries = 1; ; tries++) {
            int n;
            String device = null;
            int loop = -1;
            try {
                n = freeLoopDevice();
                device = "/dev/loop" + n;
                loop = openLoopDevice(device, n);
                libc.ioctl(loop, LOOP_CONFIGURE, loopConfig(backing, file));
                return new Attached(device, loop);
            } catch (LastErrorException e) {
                closeQuietly(loop);
                if (e.getErrorCode() != EBUSY || tries == ATTACH_TRIES) {
                    throw failed(call, e, device == null ? "asking /dev/loop-control for a free loop device"
                            : "attaching the file to " + device + " (try " + tries + ")");
                }
                if (tries > 3) {
                    pause(tries - 3); // not a race lost to another attach: a device busy for a moment
                }
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(50, 5L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while attaching a loop device", e);
        }
    }

    /**
     * Opens each layer with {@code O_PATH} and names it {@code /proc/self/fd/N} in the options: the kernel
     * resolves those links when it mounts and keeps the strings as given, so the mount tables (the
     * sandbox's own, its {@code /proc/mounts}) show descriptor numbers instead of the images and data
     * directories. The descriptors are closed once the mount is made; the overlay holds the layers itself.
     */
    @Override
    public void mountOverlay(String source, List<Path> lowers, Path upper, Path work, Path target) {
        List<Integer> fds = new ArrayList<>();
        try {
            List<String> lowerNames = new ArrayList<>();
            for (Path lower : lowers) {
                lowerNames.add(heldName(lower, fds));
            }
            String options = "lowerdir=" + String.join(":", lowerNames) + ",upperdir=" + heldName(upper, fds)
                    + ",workdir=" + heldName(work, fds);
            libc.mount(source, target.toString(), "overlay", 0, options);
        } catch (LastErrorException e) {
            throw failed(Mount.overlayArgv(source, lowers, upper, work, target), e);
        } finally {
            fds.forEach(this::closeQuietly);
        }
    }

    private String heldName(Path dir, List<Integer> fds) {
        int fd = libc.open(dir.toString(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        fds.add(fd);
        return "/proc/self/fd/" + fd;
    }

    private int freeLoopDevice() {
        int control = libc.open("/dev/loop-control", O_RDWR | O_CLOEXEC);
        try {
            return libc.ioctl(control, LOOP_CTL_GET_FREE, Pointer.NULL);
        } finally {
            closeQuietly(control);
        }
    }

    /** Opens the device node, making it where no device manager does (a bare /dev in a container). */
    private int openLoopDevice(String device, int n) {
        try {
            return libc.open(device, O_RDWR | O_CLOEXEC);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != ENOENT) {
                throw e;
            }
            try {
                libc.mknod(device, S_IFBLK | 0660, ((long) LOOP_MAJOR << 8) | (n & 0xff) | ((long) (n & ~0xff) << 12));
            } catch (LastErrorException made) {
                if (made.getErrorCode() != EEXIST) {
                    throw made;
                }
            }
            return libc.open(device, O_RDWR | O_CLOEXEC);
        }
    }

    private static Memory loopConfig(int backingFd, Path file) {
        Memory config = new Memory(LOOP_CONFIG_SIZE);
        config.clear();
        config.setInt(0, backingFd);
        config.setInt(LOOP_CONFIG_FLAGS, LO_FLAGS_AUTOCLEAR);
        byte[] name = file.toString().getBytes(StandardCharsets.UTF_8);
        config.write(LOOP_CONFIG_FILE_NAME, name, 0, Math.min(name.length, LO_NAME_SIZE - 1));
        return config;
    }

    private void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                libc.close(fd);
            } catch (LastErrorException ignored) {
                // nothing was written through it
            }
        }
    }

    @Override
    public void umount(Path target, boolean lazy) {
        try {
            libc.umount2(target.toString(), lazy ? MNT_DETACH : 0);
        } catch (LastErrorException e) {
            throw failed(lazy ? List.of("umount2(2)", "--lazy", target.toString()) : List.of("umount2(2)", target.toString()), e);
        }
    }

    private static CommandFailedException failed(List<String> call, LastErrorException e) {
        return new CommandFailedException(call, null, "", "errno " + e.getErrorCode() + " (" + e.getMessage() + ")", e);
    }

    private static CommandFailedException failed(List<String> call, LastErrorException e, String step) {
        return new CommandFailedException(call, null, "",
                "errno " + e.getErrorCode() + " (" + e.getMessage() + ") " + step, e);
    }
}
