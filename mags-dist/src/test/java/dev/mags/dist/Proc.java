package dev.mags.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a launcher as a user would, capturing stdout and stderr separately. */
final class Proc {
    record Result(int exitCode, String stdout, String stderr) {}

    private Proc() {}

    static Result run(Map<String, String> env, Duration timeout, Path program, String... args) {
        return runIn(null, env, timeout, program, args);
    }

    /** {@link #run} in the working directory {@code dir} (this process's own when null). */
    static Result runIn(Path dir, Map<String, String> env, Duration timeout, Path program, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().keySet().removeIf(k -> k.startsWith("MAGS_"));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            var out = p.getInputStream();
            var err = p.getErrorStream();
            var outText = new java.util.concurrent.CompletableFuture<String>();
            var errText = new java.util.concurrent.CompletableFuture<String>();
            Thread.ofVirtual().start(() -> outText.complete(read(out)));
            Thread.ofVirtual().start(() -> errText.complete(read(err)));
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(argv + " did not finish within " + timeout);
            }
            return new Result(p.exitValue(), outText.join(), errText.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }
}
