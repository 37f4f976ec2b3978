package dev.mags.agent.rootfs;

import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * {@code mount}/{@code umount} for the sandboxes' overlay root filesystems and loop-mounted disks, and
 * the host's mount table.
 */
public final class Mount {
    /** The options of {@link #loop}. */
    public static final String LOOP_OPTIONS = "nosuid,nodev,noinit_itable";

    private final MountCalls calls;
    private final Path mountInfo;

    /** Mounts and unmounts through the mount programs. @param mountInfo normally {@code /proc/self/mountinfo}; a file in tests */
    public Mount(CommandRunner runner, Path mountInfo) {
        this(new ProgramMountCalls(runner), mountInfo);
    }

    /** @param calls how overlays and loop devices are mounted and mounts removed */
    public Mount(MountCalls calls, Path mountInfo) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.mountInfo = Objects.requireNonNull(mountInfo, "mountInfo");
    }

    /**
     * argv mounting an overlay of read-only {@code lower} and writable {@code upper} on {@code target}.
     * {@code source} shows in every mount table that lists the mount, the sandbox's own included.
     */
    public static List<String> overlayArgv(String source, Path lower, Path upper, Path work, Path target) {
        return overlayArgv(source, List.of(lower), upper, work, target);
    }

    /** The same with several read-only layers, the uppermost first (e.g. a base workspace over the image). */
    public static List<String> overlayArgv(String source, List<Path> lowers, Path upper, Path work, Path target) {
        List<Path> dirs = new java.util.ArrayList<>(lowers);
        dirs.add(upper);
        dirs.add(work);
        for (Path dir : dirs) {
            // The kernel splits the option string on ',' and lowerdir on ':'; such a path cannot be expressed.
            if (dir.toString().contains(",") || dir.toString().contains(":")) {
                throw new IllegalArgumentException("overlay directory " + dir + " contains ',' or ':'");
            }
        }
        String lowerdir = String.join(":", lowers.stream().map(Path::toString).toList());
        String options = "lowerdir=" + lowerdir + ",upperdir=" + upper + ",workdir=" + work;
        return List.of("mount", "-t", "overlay", "-o", options, source, target.toString());
    }

    /**
     * Mounts the overlay of {@link #overlayArgv}; through {@link KernelMountCalls} the options name descriptors
     * rather than the directories, so that the sandbox's mount table shows no host path.
     */
    public void overlay(String source, List<Path> lowers, Path upper, Path work, Path target) {
        overlayArgv(source, lowers, upper, work, target); // refuses what the option string cannot express
        calls.mountOverlay(source, lowers, upper, work, target);
    }

    /**
     * Mounts the ext4 image {@code file} on {@code target} through an auto-clear loop device, so unmounting
     * detaches it. {@code noinit_itable}: the kernel does not zero the lazily initialised inode tables in the
     * background, so the file stays sparse. {@code nosuid,nodev}: a disk holds a sandbox's files, whose
     * setuid bits and device nodes must mean nothing on the host's side; the sandbox sees them through its
     * overlay, a mount of its own, where they keep their meaning.
     */
    public void loop(Path file, Path target) {
        calls.mountLoop(file, target, "ext4", LOOP_OPTIONS);
    }

    /**
     * Makes the existing directory {@code dir} a mount of its own on which setuid bits and device nodes mean
     * nothing (a bind mount onto itself, then remounted {@code nosuid,nodev}); on a mount made so already,
     * only the remount. Overlays that take their lower layers from it are mounts of their own, unaffected.
     */
    public void bindNosuid(Path dir, boolean alreadyBound) {
        if (!alreadyBound) {
            calls.mount(dir.toString(), dir, "none", "bind");
        }
        calls.mount("none", dir, "none", "remount,bind,nosuid,nodev");
    }

    /** Mounts a new tmpfs on the existing directory {@code target}; {@code options} are tmpfs's own ({@code mode=}, {@code size=}). */
    public void tmpfs(Path target, String options) {
        calls.mount("tmpfs", target, "tmpfs", options);
    }

    public void umount(Path target) {
        calls.umount(target, false);
    }

    /** Detaches the mount now and frees it once nothing uses it any more; the fallback when umount says busy. */
    public void umountLazy(Path target) {
        calls.umount(target, true);
    }

    /**
     * Unmounts {@code target}, falling back to a lazy unmount when the plain one fails (busy): the
     * mount then disappears from the tree at once and is freed when its last user goes.
     */
    public void unmount(Path target) {
        try {
            umount(target);
        } catch (CommandFailedException busy) {
            try {
                umountLazy(target);
            } catch (CommandFailedException lazyFailure) {
                busy.addSuppressed(lazyFailure);
                throw busy;
            }
        }
    }

    /** Mounts at or below {@code prefix}, deepest first, so they can be unmounted in that order. */
    public List<MountEntry> mountsUnder(Path prefix) {
        Path normalized = prefix.toAbsolutePath().normalize();
        return table().stream()
                .filter(m -> m.mountPoint().startsWith(normalized))
                .sorted(Comparator.comparingInt((MountEntry m) -> m.mountPoint().getNameCount()).reversed())
                .toList();
    }

    public List<MountEntry> table() {
        try {
            // Not Files.readString: a mount point that is not valid UTF-8 must not make the whole table unreadable.
            return MountInfo.parse(new String(Files.readAllBytes(mountInfo), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mount table " + mountInfo, e);
        }
    }
}
