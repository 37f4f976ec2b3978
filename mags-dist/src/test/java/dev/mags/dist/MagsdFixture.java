package dev.mags.dist;

import dev.mags.agent.AgentConfig;
import dev.mags.agent.HostLeaks;
import dev.mags.agent.WarmPoolConfig;
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
import java.util.List;
import java.util.Map;

/**
 * A real {@code bin/magsd serve} process on a free loopback port with its own data dir; closing it
 * sends SIGTERM (graceful stop), {@link #crash()} sends SIGKILL.
 */
final class MagsdFixture implements AutoCloseable {
    final Path dataDir;
    final Path imagesDir;
    final String defaultImage;
    final int port;
    /** The SSH gateway's port: a free one per server, so that servers of several tests never meet. */
    final int sshPort;
    /** Own cgroup parent per data dir, so leftovers are traced to this server and no other. */
    final String cgroupParent;
    private Process process;
    private final List<String> extraArgs = new java.util.ArrayList<>();
    private final Map<String, String> extraEnv = new java.util.HashMap<>();

    private int warmPoolSize;
    /** When set: the JVM is started directly, without bin/magsd, under this umask. */
    private String jvmUmask;

    MagsdFixture withWarmPool(int size) {
        warmPoolSize = size;
        return this;
    }

    /**
     * Starts the server's JVM directly under {@code umask}, as a service manager might, instead of through
     * {@code bin/magsd}: what the server's own code does about file modes, whatever its environment.
     */
    MagsdFixture withJvmUmask(String umask) {
        jvmUmask = umask;
        return this;
    }

    /** An environment variable of the server process, e.g. {@code MAGS_HEAP}. */
    MagsdFixture withEnv(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    /** More {@code magsd serve} options, e.g. limits. */
    MagsdFixture with(String... args) {
        extraArgs.addAll(List.of(args));
        return this;
    }

    MagsdFixture(Path dataDir, Path imagesDir, String defaultImage) {
        this.dataDir = dataDir;
        this.imagesDir = imagesDir;
        this.defaultImage = defaultImage;
        this.port = FreePort.pick();
        this.sshPort = FreePort.pick();
        this.cgroupParent = "mags-e2e-" + Integer.toHexString(dataDir.toAbsolutePath().toString().hashCode());
    }

    /** The agent configuration this server runs with, for {@code HostLeaks}. */
    AgentConfig agentConfig() {
        return AgentConfig.defaults(dataDir, imagesDir).withCgroupParent(cgroupParent).withWarmPool(WarmPoolConfig.disabled());
    }

    /**
     * What this running server left on the host, once its sandboxes had time to be released: a job's
     * final status is reported before its sandbox's resources are freed, so this waits up to 15 s for
     * the list to become empty and returns the last scan.
     */
    List<String> leaksAfterRelease() {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        List<String> leaks = HostLeaks.scan(agentConfig());
        while (!leaks.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return leaks;
            }
            leaks = HostLeaks.scan(agentConfig());
        }
        return leaks;
    }

    MagsdFixture start() {
        try {
            // @TempDir is 0700; sandbox root (host uid 100000) must pass through it to the sandbox dirs
            Files.setAttribute(dataDir.toAbsolutePath().getParent(), "unix:mode", 0711);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> argv = new java.util.ArrayList<>(jvmUmask == null ? List.of(Repo.magsd().toString()) : directJvm());
        argv.addAll(List.of("serve", "--data-dir",
                dataDir.toString(), "--listen", "127.0.0.1:" + port, "--images-dir", imagesDir.toString(),
                "--default-image", defaultImage, "--cgroup-parent", cgroupParent,
                "--ssh-listen", "127.0.0.1:" + sshPort,
                // No warm pool unless a test asks: most assert that a running server leaves no sandbox behind.
                "--warm-pool-size", Integer.toString(warmPoolSize)));
        argv.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().keySet().removeIf(k -> k.startsWith("MAGS_"));
        pb.environment().putAll(extraEnv);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitHealthy(Duration.ofSeconds(60));
        return this;
    }

    /** The JVM of this test, as bin/magsd would start it, under {@link #jvmUmask}. */
    private List<String> directJvm() {
        List<String> argv = new java.util.ArrayList<>(List.of("/bin/sh", "-c", "umask " + jvmUmask + " && exec \"$@\"", "sh",
                ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24) {
            argv.add("--sun-misc-unsafe-memory-access=allow");
        }
        argv.addAll(List.of("-cp", Repo.root().resolve("mags-dist/target/lib/*").toString(), "dev.mags.dist.MagsdMain"));
        return argv;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String adminToken() {
        try {
            return Files.readString(dataDir.resolve("admin-token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** Environment for bin/mags talking to this server. */
    Map<String, String> cliEnv(Path home) {
        return Map.of("MAGS_API_URL", url(), "MAGS_API_TOKEN", adminToken(), "HOME", home.toString());
    }

    String log() {
        try {
            return Files.readString(dataDir.resolveSibling(dataDir.getFileName() + ".log"));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The last {@code lines} lines of magsd's log, headed, for a failure message: what the server said around the
     * failure is then in the test report (and CI's output), not in a temp dir that is gone.
     */
    String logTail(int lines) {
        List<String> all = log().lines().toList();
        return "\n--- last " + Math.min(lines, all.size()) + " lines of magsd's log ---\n"
                + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private void awaitHealthy(Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("magsd exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/healthz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        throw new IllegalStateException("magsd did not become healthy in " + timeout + ":\n" + log());
    }

    /** SIGKILL, as a crash would. */
    void crash() {
        process.destroyForcibly();
        waitExit();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitExit();
        }
        removeCgroupParent();
    }

    /** The empty per-server cgroup parents are this fixture's to remove; a busy one stays and shows as a leak. */
    private void removeCgroupParent() {
        try (var controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path c : controllers.toList()) {
                Path dir = c.resolve(cgroupParent);
                if (Files.isDirectory(dir)) {
                    try {
                        Files.delete(dir);
                    } catch (IOException busy) {
                        // left for the leak check to report
                    }
                }
            }
        } catch (IOException ignored) {
            // no cgroup fs: nothing to remove
        }
    }

    private void waitExit() {
        try {
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
