package dev.mags.agent.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The C library calls that the JDK does not offer for descriptors it did not open itself: pipes whose ends
 * outlive the process that was started with them, reads and writes on raw descriptors, a unix socket that
 * receives a descriptor (SCM_RIGHTS), a terminal's window size, signals by pid, and {@code posix_spawn} with
 * more than three descriptors for the child, and the waits and {@code prctl} of a reaper of orphans. Direct mappings (a fraction of an interface-mapped call's cost);
 * Linux, LP64 (x86-64, aarch64).
 */
final class NativeIo {
    static {
        Native.register(NativeIo.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static final int O_CLOEXEC = 02000000;
    static final int F_DUPFD_CLOEXEC = 1030;
    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 02000000;
    static final int SOL_SOCKET = 1;
    static final int SCM_RIGHTS = 1;
    static final short POLLIN = 1;
    /** recvmsg: received descriptors are close-on-exec. */
    static final int O_CLOEXEC_MSG = 0x40000000;
    static final long TIOCSWINSZ = 0x5414;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EAGAIN = 11;
    static final int ESRCH = 3;

    private NativeIo() {}

    static final int O_RDWR = 2;

    // open's mode is variadic in C; without O_CREAT it is not read.
    static native int open(String path, int flags) throws LastErrorException;

    static native int pipe2(int[] fds, int flags) throws LastErrorException;

    static native long read(int fd, byte[] buf, long count) throws LastErrorException;

    static native long write(int fd, byte[] buf, long count) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    static native int kill(int pid, int signal) throws LastErrorException;

    /** {@code winsize}: rows, columns, x pixels, y pixels. */
    static native int ioctl(int fd, long request, short[] winsize) throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int bind(int fd, byte[] address, int length) throws LastErrorException;

    static native int listen(int fd, int backlog) throws LastErrorException;

    static native int accept4(int fd, Pointer address, Pointer length, int flags) throws LastErrorException;

    static native long recvmsg(int fd, Pointer message, int flags) throws LastErrorException;

    static native int poll(Pointer fds, long count, int timeoutMillis) throws LastErrorException;

    static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

    static final int WNOHANG = 1;
    static final int WEXITED = 4;
    static final int WNOWAIT = 0x01000000;
    /** Children whatever signal they report their end with (a reparented clone child included). */
    static final int WALL = 0x40000000;
    static final int P_ALL = 0;
    /** {@code siginfo_t}: 128 bytes; {@code si_pid} at offset 16 on LP64. */
    static final int SIGINFO_BYTES = 128;
    static final int SIGINFO_PID_OFFSET = 16;

    static native int waitid(int idType, int id, Pointer info, int options) throws LastErrorException;

    static final int PR_SET_CHILD_SUBREAPER = 36;

    static native int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

    // posix_spawn and its file actions return an error number instead of setting errno.
    static native int posix_spawn_file_actions_init(Pointer actions);

    static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

    static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    static native int posix_spawn_file_actions_destroy(Pointer actions);

    static native int posix_spawnp(int[] pid, String file, Pointer actions, Pointer attributes, Pointer argv, Pointer envp);

    static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            close(fd);
        } catch (LastErrorException e) {
            // released whatever close reports
        }
    }
}
