package dev.mags.cli.exec;

import java.io.IOException;
import java.io.InputStream;

/**
 * Copies the CLI's stdin to an exec, on a daemon thread (a read of a terminal or pipe blocks; the CLI ends
 * when the command does, whatever this thread waits for). Each chunk is sent once the previous one was taken,
 * so a command that does not read its input stops this copy, not the memory of either side.
 */
public final class StdinPump {
    private StdinPump() {}

    /** @param endOfFile whether stdin's end is passed on (pipes), or not (a terminal has none of its own) */
    public static void start(InputStream in, SocketExec exec, boolean endOfFile) {
        Thread.ofPlatform().daemon().name("mags-stdin").start(() -> {
            byte[] buffer = new byte[32 * 1024];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (n > 0) {
                        exec.stdin(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // stdin broke: treat as its end
            }
            if (endOfFile) {
                exec.endOfInput();
            }
        });
    }
}
