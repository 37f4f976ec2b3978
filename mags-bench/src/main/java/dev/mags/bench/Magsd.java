package dev.mags.bench;

import dev.mags.testkit.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A {@code bin/magsd serve} of the bench's own, on a free port with a temp data dir. */
final class Magsd implements AutoCloseable {
    final Path dataDir;
    final int port = FreePort.pick();
    final int sshPort = FreePort.pick();
    private final Process process;

    Magsd(Path repo, Path dataDir, Path imagesDir, String image, List<String> extraArgs) {
        this.dataDir = dataDir;
        List<String> argv = new ArrayList<>(List.of(repo.resolve("bin/magsd").toString(), "serve",
                "--data-dir", dataDir.toString(), "--listen", "127.0.0.1:" + port, "--images-dir", imagesDir.toString(),
                "--default-image", image, "--cgroup-parent", "mags-bench-" + port, "--ssh-listen", "127.0.0.1:" + sshPort,
                // One user runs up to 100 sandboxes at once (load, density) whose disks are written little.
                "--max-sandboxes-per-user", "0", "--max-memory-per-user-mb", "0", "--max-cpus-per-user", "0",
                "--disk-overcommit", "100"));
        argv.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dataDir.resolveSibling("magsd-" + port + ".log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MAGS_"));
        try {
            Files.createDirectories(dataDir);
            this.process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitHealthy();
    }

    long pid() {
        return process.pid();
    }

    String cgroupParent() {
        return "mags-bench-" + port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String token() {
        try {
            return Files.readString(dataDir.resolve("admin-token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitHealthy() {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("magsd exited: see " + dataDir.resolveSibling("magsd-" + port + ".log"));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url() + "/healthz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Bench.sleep(100);
        }
        throw new IllegalStateException("magsd did not become healthy");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var ctrls = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path c : ctrls.toList()) {
                Files.deleteIfExists(c.resolve("mags-bench-" + port));
            }
        } catch (IOException ignored) {
            // a busy cgroup stays; the leak check reports it
        }
    }
}
