package dev.mags.agent.network;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Opens TCP connections to ports inside sandboxes from inside their own network namespaces, so that a sandbox's
 * server needs no port on any host address: nothing but this process can reach it (not another sandbox, not
 * another user of the host), and a server that listens on the sandbox's 127.0.0.1 is reachable too.
 *
 * <p>A socket belongs to the network namespace of the thread that creates it, and setns(2) moves only the calling
 * thread. One platform thread of our own therefore enters the sandbox's namespace (through a pidfd of its init:
 * no pid can be reused under it), creates the socket and returns home before it does anything else; the connect
 * happens on the caller's thread. A thread that cannot return home is never used again.
 */
public final class NetnsDialer implements AutoCloseable {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY_CLOEXEC = 02000000;
    private static final int SYS_PIDFD_OPEN = 434;
    private static final int ESRCH = 3;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    static {
        Native.register(NetnsDialer.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private static native int setns(int fd, int nstype) throws LastErrorException;

    private static native int open(String path, int flags) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    private static native long syscall(long number, long pid, long flags) throws LastErrorException;

    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("mags-netns-dialer").daemon().factory());
    /** The dialer thread's own namespace, opened by that thread; read only there. */
    private volatile int home = -1;

    /** A pidfd of a live process (a sandbox's init), to name its network namespace; close it with {@link #closePidfd}. */
    public static int pidfd(long pid) throws IOException {
        try {
            return (int) syscall(SYS_PIDFD_OPEN, pid, 0);
        } catch (LastErrorException e) {
            throw new IOException("pidfd_open(" + pid + ") failed: errno " + e.getErrorCode(), e);
        }
    }

    public static void closePidfd(int fd) {
        close(fd);
    }

    /**
     * A socket connected to {@code port} on the loopback address inside the network namespace of the process that
     * {@code pidfd} names.
     *
     * @throws java.net.ConnectException when nothing listens on the port
     * @throws ProcessGoneException when that process has ended
     */
    public Socket connect(int pidfd, int port) throws IOException {
        SocketChannel channel = within(pidfd, port, address -> SocketChannel.open(StandardProtocolFamily.INET));
        try {
            channel.connect(new InetSocketAddress(LOOPBACK, port));
            return channel.socket();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Runs {@code opener} on the dialer thread while it is inside the network namespace of the process that
     * {@code pidfd} names, with the address of {@code port} on that namespace's loopback: sockets the opener
     * creates belong to that namespace. The opener must not block: every sandbox's dials wait for this thread.
     *
     * @throws ProcessGoneException when that process has ended
     */
    public <T> T within(int pidfd, int port, Opener<T> opener) throws IOException {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
        }
        InetSocketAddress address = new InetSocketAddress(LOOPBACK, port);
        CompletableFuture<T> made = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                if (home < 0) {
                    home = open("/proc/thread-self/ns/net", O_RDONLY_CLOEXEC);
                }
                setns(pidfd, CLONE_NEWNET);
            } catch (LastErrorException e) {
                made.completeExceptionally(e.getErrorCode() == ESRCH ? new ProcessGoneException()
                        : new IOException("cannot enter the sandbox's network namespace: errno " + e.getErrorCode(), e));
                return;
            }
            try {
                made.complete(opener.open(address));
            } catch (IOException | RuntimeException e) {
                made.completeExceptionally(e);
            } finally {
                goHome();
            }
        });
        try {
            return made.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            made.thenAccept(NetnsDialer::closeQuietly);
            throw new IOException("interrupted while opening a socket in a sandbox", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot open a socket in a sandbox: " + e.getCause(), e.getCause());
        }
    }

    /** What {@link #within} runs inside a namespace. */
    @FunctionalInterface
    public interface Opener<T> {
        T open(InetSocketAddress address) throws IOException;
    }

    private static void closeQuietly(Object made) {
        try {
            if (made instanceof java.io.Closeable c) {
                c.close();
            }
        } catch (IOException ignored) {
            // nobody waits for it any more
        }
    }

    /**
     * Back to the host's namespace. A thread that cannot return must not dial again: the Error ends it, and the
     * executor starts a fresh one (at home) for the next connection.
     */
    private void goHome() {
        try {
            setns(home, CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new StrandedThreadError(e.getErrorCode());
        }
    }

    private static final class StrandedThreadError extends Error {
        StrandedThreadError(int errno) {
            super("the dialer thread could not leave a sandbox's network namespace (errno " + errno + ")");
        }
    }

    /** The process behind a pidfd has ended. */
    public static final class ProcessGoneException extends IOException {
        ProcessGoneException() {
            super("the sandbox has ended");
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        int fd = home;
        if (fd >= 0) {
            home = -1;
            close(fd);
        }
    }
}
