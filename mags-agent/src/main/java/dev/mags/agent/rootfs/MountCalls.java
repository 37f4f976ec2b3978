package dev.mags.agent.rootfs;

import dev.mags.agent.process.CommandFailedException;
import java.nio.file.Path;
import java.util.List;

/**
 * How a mount is made and removed: with the kernel's calls from this process ({@link KernelMountCalls}), or
 * with the {@code mount} and {@code umount} programs ({@link ProgramMountCalls}, which tests fake).
 */
public interface MountCalls {
    /**
     * Mounts {@code source} of file system {@code type} on {@code target} with {@code options}.
     *
     * @throws CommandFailedException naming the mount and the kernel's reason
     */
    void mount(String source, Path target, String type, String options);

    /**
     * Attaches {@code file} to a free loop device marked auto-clear (unmounting frees it) and mounts that
     * device on {@code target} as {@code type} with {@code options}, as {@code mount -o loop} does.
     *
     * @throws CommandFailedException naming the mount and the reason
     */
    void mountLoop(Path file, Path target, String type, String options);

    /**
     * Mounts an overlay of read-only {@code lowers} (the uppermost first) and writable {@code upper} on
     * {@code target}. The kernel shows the options as they were given in every mount table that lists the
     * mount, the sandbox's own {@code /proc/self/mountinfo} included: {@link KernelMountCalls} names each
     * directory by a descriptor it holds for the call ({@code /proc/self/fd/N}), so no host path shows.
     *
     * @throws CommandFailedException naming the mount and the reason
     */
    void mountOverlay(String source, List<Path> lowers, Path upper, Path work, Path target);

    /**
     * Unmounts {@code target}; {@code lazy} detaches it now and frees it once nothing uses it.
     *
     * @throws CommandFailedException naming the unmount and the kernel's reason (busy, say)
     */
    void umount(Path target, boolean lazy);
}
