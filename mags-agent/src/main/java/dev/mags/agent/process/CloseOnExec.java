package dev.mags.agent.process;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Marks this process's sockets close-on-exec. The JDK opens its sockets without that flag, and starts processes
 * through {@code jspawnhelper}, which gets every descriptor of the JVM until it has read its instructions from the
 * JVM: a JVM killed at that moment leaves a {@code jspawnhelper} waiting forever with copies of the server's listening
 * sockets, and a restarted server cannot listen on its ports again. Close-on-exec descriptors never reach it.
 */
public final class CloseOnExec {
    private static final int F_GETFD = 1;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;

    private CloseOnExec() {}

    /** Marks every socket this process has open now; returns how many it marked. Call once the listeners are bound. */
    public static int markSockets() {
        int marked = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                int n = Integer.parseInt(fd.getFileName().toString());
                if (n < 3 || !isSocket(fd)) {
                    continue;
                }
                try {
                    int flags = NativeIo.fcntl(n, F_GETFD, 0);
                    if ((flags & FD_CLOEXEC) == 0) {
                        NativeIo.fcntl(n, F_SETFD, flags | FD_CLOEXEC);
                        marked++;
                    }
                } catch (LastErrorException closedMeanwhile) {
                    // the descriptor was closed since it was listed
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list /proc/self/fd", e);
        }
        return marked;
    }

    private static boolean isSocket(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (IOException gone) {
            return false;
        }
    }
}
