package dev.mags.cli.command;

import dev.mags.cli.ssh.Programs;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code xdg-open URL} (or {@code open URL} on macOS) to show a page in the user's browser. Its input is
 * empty and its output discarded, so that nothing it prints mixes with the prompt that follows.
 */
final class BrowserOpener {
    /** xdg-open returns once the browser was asked; a slower one is taken as having done so. */
    private static final long WAIT_SECONDS = 5;

    private final Optional<Path> program;

    /** @param opener the program's name ({@code null}: no browser can be opened here); looked up on {@code path} */
    BrowserOpener(String opener, String path) {
        this.program = opener == null ? Optional.empty() : new Programs(path).find(opener);
    }

    /** Whether the browser was asked to open {@code url}; false when there is no opener or it failed. */
    boolean open(URI url) {
        if (program.isEmpty()) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(program.get().toString(), url.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return !p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS) || p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
