package dev.mags.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.testkit.FreePort;
import dev.mags.testkit.PostgresServer;
import dev.mags.testkit.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A cluster of the bench's own on this machine: {@code magsd s3}, one {@code magsd control-plane} over a database of
 * the test PostgreSQL, and agents ({@code magsd agent}), each a process with its own data dir and cgroup parent.
 */
final class ClusterProcesses implements AutoCloseable {
    private final Path repo;
    private final Path dir;
    private final Path imagesDir;
    private final String image;
    private final Map<String, String> s3Env = new HashMap<>();
    private final Path secret;
    private final List<Proc> all = new ArrayList<>();
    final Proc controlPlane;
    final List<Proc> agents = new ArrayList<>();

    /** One process of the cluster. */
    final class Proc {
        final String name;
        final int port;
        private final List<String> argv;
        private final Map<String, String> env;
        private Process process;

        Proc(String name, int port, List<String> argv, Map<String, String> env) {
            this.name = name;
            this.port = port;
            this.argv = argv;
            this.env = env;
        }

        void start() {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
            pb.environment().keySet().removeIf(k -> k.startsWith("MAGS_"));
            pb.environment().putAll(env);
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String log() {
            try {
                return Files.readString(dir.resolve(name + ".log"));
            } catch (IOException e) {
                return "";
            }
        }

        void awaitLog(String text, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!log().contains(text)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not log '" + text + "': see " + dir.resolve(name + ".log"));
                }
                Bench.sleep(50);
            }
        }

        void kill() {
            process.destroyForcibly();
            waitExit();
        }

        void stop() {
            if (process != null && process.isAlive()) {
                process.destroy();
                waitExit();
            }
        }

        private void waitExit() {
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    /**
     * @param tls whether the agents serve the control plane over HTTPS (a self-signed certificate for 127.0.0.1,
     *            which the control plane is given as its --agent-ca)
     */
    ClusterProcesses(Path repo, Path dir, Path imagesDir, String image, PostgresServer pg, int agentCount, boolean tls)
            throws IOException {
        this.repo = repo;
        this.dir = dir;
        this.imagesDir = imagesDir;
        this.image = image;
        Files.createDirectories(dir);
        Files.setAttribute(dir, "unix:mode", 0711);
        String database = "mags_bench_" + Long.toHexString(System.nanoTime());
        pg.createDatabase(database);
        secret = dir.resolve("agent-secret");
        Files.writeString(secret, "bench-cluster-secret-" + Long.toHexString(System.nanoTime()));
        int s3Port = FreePort.pick();
        Proc s3 = add("s3", s3Port, List.of("s3", "--data-dir", dir.resolve("s3").toString(), "--port",
                Integer.toString(s3Port)), Map.of());
        s3.start();
        JsonNode s3Json = awaitJson(dir.resolve("s3/s3.json"));
        s3Env.put("MAGS_S3_ENDPOINT", s3Json.path("endpoint").asText());
        s3Env.put("MAGS_S3_ACCESS_KEY", s3Json.path("access_key").asText());
        s3Env.put("MAGS_S3_SECRET_KEY", s3Json.path("secret_key").asText());
        SelfSignedCertificate certificate = tls ? SelfSignedCertificate.create(dir, "agents", "IP:127.0.0.1") : null;
        List<String> cpTls = tls ? List.of("--agent-ca", certificate.certificate().toString()) : List.of();
        List<String> agentTls = tls ? List.of("--tls-cert", certificate.certificate().toString(), "--tls-key",
                certificate.key().toString()) : List.of();
        int cpPort = FreePort.pick();
        Map<String, String> cpEnv = new HashMap<>(s3Env);
        cpEnv.put("MAGS_DATABASE_URL", pg.url(database));
        List<String> cpArgs = new ArrayList<>(List.of("control-plane", "--data-dir", dir.resolve("cp").toString(),
                "--listen", "127.0.0.1:" + cpPort, "--ssh-listen", "127.0.0.1:" + FreePort.pick(),
                "--agent-secret-file", secret.toString(), "--default-image", image, "--replica-id", "bench-cp",
                "--max-sandboxes-per-user", "0", "--max-memory-per-user-mb", "0", "--max-cpus-per-user", "0",
                "--disk-overcommit", "100"));
        cpArgs.addAll(cpTls);
        controlPlane = add("control-plane", cpPort, cpArgs, cpEnv);
        controlPlane.start();
        controlPlane.awaitLog("serving http://", Duration.ofSeconds(90));
        for (int i = 0; i < agentCount; i++) {
            int port = FreePort.pick();
            String name = "a" + i; // short: a sandbox's socket paths under the data dir must fit 107 bytes
            List<String> agentArgs = new ArrayList<>(List.of("agent", "--data-dir", dir.resolve(name).toString(),
                    "--images-dir", imagesDir.toString(), "--listen", "127.0.0.1:" + port, "--control-plane",
                    controlPlane.url(), "--agent-secret-file", secret.toString(), "--agent-id", name, "--cgroup-parent",
                    "mags-bench-" + name + "-" + port, "--default-image", image, "--warm-pool-size", "0"));
            agentArgs.addAll(agentTls);
            Proc agent = add(name, port, agentArgs, s3Env);
            agents.add(agent);
            agent.start();
            agent.awaitLog("magsd agent " + name, Duration.ofSeconds(90));
        }
    }

    private Proc add(String name, int port, List<String> args, Map<String, String> env) {
        List<String> argv = new ArrayList<>(List.of(repo.resolve("bin/magsd").toString()));
        argv.addAll(args);
        Proc p = new Proc(name, port, argv, env);
        all.add(p);
        return p;
    }

    String token() {
        try {
            return Files.readString(dir.resolve("cp/admin-token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode awaitJson(Path file) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Files.isRegularFile(file)) {
                    return new ObjectMapper().readTree(file.toFile());
                }
            } catch (IOException e) {
                // being written
            }
            Bench.sleep(50);
        }
        throw new IllegalStateException(file + " did not appear");
    }

    @Override
    public void close() {
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).stop();
        }
        for (Proc agent : agents) {
            try (var ctrls = Files.list(Path.of("/sys/fs/cgroup"))) {
                for (Path c : ctrls.toList()) {
                    Files.deleteIfExists(c.resolve("mags-bench-" + agent.name + "-" + agent.port));
                }
            } catch (IOException ignored) {
                // a busy cgroup stays; the leak check reports it
            }
        }
    }
}
