package dev.mags.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a program to completion with a timeout, capturing its output. */
final class Sh {
    record Result(int exitCode, String stdout, String stderr, long nanos) {
        Result orThrow(List<String> argv) {
            if (exitCode != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " exited " + exitCode + ": " + stderr.strip());
            }
            return this;
        }
    }

    private Sh() {}

    static Result run(List<String> argv) {
        return run(argv, Map.of(), Duration.ofMinutes(5));
    }

    static Result run(List<String> argv, Map<String, String> env, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(new File("/dev/null"));
        pb.environment().putAll(env);
        long start = System.nanoTime();
        try {
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " did not finish in " + timeout);
            }
            long nanos = System.nanoTime() - start;
            return new Result(p.exitValue(), out.join(), err.join(), nanos);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + argv.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Result must(String... argv) {
        return run(List.of(argv)).orThrow(List.of(argv));
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
