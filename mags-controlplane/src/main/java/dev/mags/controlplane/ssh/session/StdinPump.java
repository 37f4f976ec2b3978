package dev.mags.controlplane.ssh.session;

import dev.mags.protocol.v2.Exec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies what the client types or pipes to the exec's stdin, on a platform thread of its own (writes to a
 * process's pipe block). The channel gives the client more window only as this reads, so stdin is
 * flow-controlled end to end. End of file from the client closes the exec's stdin on pipes; on a terminal it is
 * ignored, as OpenSSH's sshd does (a terminal has no end of file of its own; Ctrl-D is a character).
 */
final class StdinPump {
    private StdinPump() {}

    static void start(InputStream in, Exec exec, boolean closeOnEof, String name) {
        Thread.ofPlatform().daemon().name("ssh-stdin-" + name).start(() -> copy(in, exec, closeOnEof));
    }

    private static void copy(InputStream in, Exec exec, boolean closeOnEof) {
        OutputStream stdin = exec.stdin();
        byte[] buffer = new byte[32 * 1024];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (n > 0) {
                    stdin.write(buffer, 0, n);
                    stdin.flush();
                }
            }
            if (closeOnEof) {
                stdin.close();
            }
        } catch (IOException e) {
            // The process closed its stdin or ended, or the channel closed: nothing more to copy.
            if (closeOnEof) {
                try {
                    stdin.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }
    }
}
