package dev.mags.cli.exec;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * The CLI's standard streams as bytes, and its terminal: what {@code mags exec} copies a command's input and
 * output through.
 */
public record Stdio(InputStream in, OutputStream out, OutputStream err, Terminal terminal) {
    /** No input, output dropped, no terminal: for contexts that never exec. */
    public static Stdio none() {
        return new Stdio(InputStream.nullInputStream(), OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream(), Terminal.NONE);
    }
}
