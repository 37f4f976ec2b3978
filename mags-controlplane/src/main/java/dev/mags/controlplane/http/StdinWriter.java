package dev.mags.controlplane.http;

import dev.mags.protocol.v2.Exec;
import java.io.IOException;
import java.io.OutputStream;

/** Writes a request's {@code stdin} text to an exec and closes it, off the request's thread (a pipe may block). */
final class StdinWriter {
    private StdinWriter() {}

    static void write(Exec exec, byte[] bytes) {
        Thread.ofVirtual().name("exec-stdin").start(() -> {
            try (OutputStream in = exec.stdin()) {
                in.write(bytes);
            } catch (IOException e) {
                // the process closed its stdin or ended before reading it all: as a pipe's reader would
            }
        });
    }
}
