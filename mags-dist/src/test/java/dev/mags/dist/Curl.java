package dev.mags.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The system's curl, as a user types it against a public URL: curl resolves {@code *.localhost} to the loopback
 * address by itself, so {@code http://<sub>.localhost:<port>} works with no DNS set up.
 */
final class Curl {
    static final Path BINARY = Path.of("/usr/bin/curl");
    /** Long enough for a sleeping sandbox to wake and its server to start listening. */
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    private Curl() {}

    /** A page: the status and the body. */
    record Page(int status, String body) {}

    /** {@code curl -sS URL}; the status is read with {@code -w}. */
    static Page get(String url) {
        Proc.Result r = run("-sS", "--max-time", Long.toString(TIMEOUT.toSeconds()), "-w", "\n%{http_code}", url);
        if (r.exitCode() != 0) {
            throw new AssertionError("curl " + url + " failed (" + r.exitCode() + "): " + r.stderr());
        }
        int cut = r.stdout().lastIndexOf('\n');
        return new Page(Integer.parseInt(r.stdout().substring(cut + 1).strip()), r.stdout().substring(0, cut));
    }

    static Proc.Result run(String... args) {
        return Proc.run(Map.of(), TIMEOUT.plusSeconds(30), BINARY, args);
    }

    /** {@code curl -sN URL} running, its output read line by line as curl prints it. */
    static Streaming stream(String url) {
        ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), "-sSN", "--max-time",
                Long.toString(TIMEOUT.toSeconds()), url).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            return new Streaming(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final class Streaming implements AutoCloseable {
        private static final String END = "\0end";
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();

        private Streaming(Process process) {
            this.process = process;
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    lines.add("<read failed: " + e + ">");
                } finally {
                    lines.add(END);
                }
            });
        }

        /** Waits for a line equal to {@code wanted}; fails if curl's output ends or the wait runs out first. */
        void awaitLine(String wanted, Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            for (;;) {
                String l = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null || l.equals(END)) {
                    throw new AssertionError("curl printed no line '" + wanted + "' " + (l == null ? "within " + wait
                            : "before its output ended") + "; it printed " + seen);
                }
                seen.add(l);
                if (l.equals(wanted)) {
                    return;
                }
            }
        }

        /** curl's exit code, once its output has ended. */
        int exitCode() throws InterruptedException {
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("curl did not end; it printed " + seen);
            }
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
