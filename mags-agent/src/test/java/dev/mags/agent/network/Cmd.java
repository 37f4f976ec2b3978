package dev.mags.agent.network;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a short command for a test and returns its exit code and output, whatever the exit code. */
record Cmd(int code, String out, String err) {

    static Cmd run(Duration timeout, List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(argv + " did not end within " + timeout);
            }
            return new Cmd(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static Cmd run(List<String> argv) {
        return run(Duration.ofSeconds(20), argv);
    }

    /** Runs and fails the test unless the command exits with 0. */
    static Cmd ok(String... argv) {
        Cmd result = run(List.of(argv));
        if (result.code != 0) {
            throw new AssertionError(String.join(" ", argv) + " exited with " + result.code + ": " + result.err + result.out);
        }
        return result;
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
