package dev.mags.agent.rootfs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.mags.agent.process.CommandFailedException;
import java.nio.file.Path;
import java.util.List;

/**
 * mount(2) and umount2(2) called from the agent's own process: a mount made by the {@code mount} program
 * costs a process start (a few ms of CPU, more on a virtualised host), and a sandbox makes and removes
 * several. Needs root, as the programs do.
 */
public final class KernelMountCalls implements MountCalls {
    private static final int MNT_DETACH = 2;

    /** glibc's wrappers (64-bit Linux: unsigned long is a Java long). */
    interface LibC extends Library {
        int mount(String source, String target, String type, long flags, String data) throws LastErrorException;

        int umount2(String target, int flags) throws LastErrorException;
    }

    private final LibC libc;

    private KernelMountCalls(LibC libc) {
        this.libc = libc;
    }

    /** Loads the C library's calls. */
    public static KernelMountCalls load() {
        return new KernelMountCalls(Native.load("c", LibC.class));
    }

    @Override
    public void mount(String source, Path target, String type, String options) {
        try {
            libc.mount(source, target.toString(), type, 0, options);
        } catch (LastErrorException e) {
            throw failed(List.of("mount(2)", "-t", type, "-o", options, source, target.toString()), e);
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
}
