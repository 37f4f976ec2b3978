package dev.mags.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.agent.AgentConfig;
import dev.mags.agent.HostLeaks;
import dev.mags.agent.WarmPoolConfig;
import dev.mags.testkit.SelfSignedCertificate;
import dev.mags.testkit.FreePort;
import dev.mags.testkit.PostgresServer;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A cluster on this machine, every part a real process: {@code magsd s3}, control planes ({@code magsd
 * control-plane}) over a database of the test PostgreSQL, and agents ({@code magsd agent}) with data dirs and cgroup
 * parents of their own, all on loopback ports. Closing it stops them all (SIGTERM) and removes what the agents'
 * cgroup parents left empty.
 */
final class ClusterFixture implements AutoCloseable {
    final Path dir;
    final String databaseUrl;
    final Path secretFile;
    private final Node s3;
    private final Map<String, String> s3Env = new HashMap<>();
    final List<Node> controlPlanes = new ArrayList<>();
    final List<Node> agents = new ArrayList<>();
    private SelfSignedCertificate agentCertificate;

    /** A process of the cluster and where it answers. */
    static final class Node {
        final String name;
        final Path dataDir;
        final int port;
        final int sshPort;
        final List<String> argv;
        final Map<String, String> env;
        Process process;

        Node(String name, Path dataDir, int port, int sshPort, List<String> argv, Map<String, String> env) {
            this.name = name;
            this.dataDir = dataDir;
            this.port = port;
            this.sshPort = sshPort;
            this.argv = argv;
            this.env = env;
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        Path logFile() {
            return dataDir.resolveSibling(name + ".log");
        }

        String log() {
            try {
                return Files.readString(logFile());
            } catch (IOException e) {
                return "";
            }
        }

        void start() {
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().keySet().removeIf(k -> k.startsWith("MAGS_"));
            pb.environment().putAll(env);
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean alive() {
            return process != null && process.isAlive();
        }

        /** SIGKILL, as a crash of the host would. */
        void crash() {
            process.destroyForcibly();
            waitExit();
        }

        void stop() {
            if (alive()) {
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

        /** Waits until {@code path} on this node answers 200. */
        void awaitHttp(String path, Duration timeout) {
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!alive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + log());
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + path))
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
            throw new IllegalStateException(name + " did not answer " + path + " in " + timeout + ":\n" + log());
        }

        int count(String text) {
            String log = log();
            int n = 0;
            for (int i = log.indexOf(text); i >= 0; i = log.indexOf(text, i + 1)) {
                n++;
            }
            return n;
        }

        /** Waits until the log holds {@code text} {@code n} times. */
        void awaitCount(String text, int n, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count(text) < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not log '" + text + "' " + n + " times:\n" + log());
                }
                sleep(100);
            }
        }

        /** Waits until the log holds {@code text}. */
        void awaitLog(String text, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!log().contains(text)) {
                if (!alive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + log());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not log '" + text + "' in " + timeout + ":\n" + log());
                }
                sleep(100);
            }
        }
    }

    ClusterFixture(Path dir, PostgresServer pg, String database) throws IOException {
        this.dir = dir;
        // sandbox root (an unprivileged host uid) must pass through to the agents' sandbox dirs
        Files.setAttribute(dir, "unix:mode", 0711);
        pg.createDatabase(database);
        this.databaseUrl = pg.url(database);
        this.secretFile = dir.resolve("agent-secret");
        Files.writeString(secretFile, "cluster-secret-" + Long.toHexString(System.nanoTime()) + "-0123456789");
        int s3Port = FreePort.pick();
        s3 = new Node("s3", dir.resolve("s3"), s3Port, 0, List.of(Repo.magsd().toString(), "s3", "--data-dir",
                dir.resolve("s3").toString(), "--port", Integer.toString(s3Port)), Map.of());
        s3.start();
        JsonNode s3Json = awaitJson(dir.resolve("s3/s3.json"), Duration.ofSeconds(60));
        s3Env.put("MAGS_S3_ENDPOINT", s3Json.path("endpoint").asText());
        s3Env.put("MAGS_S3_ACCESS_KEY", s3Json.path("access_key").asText());
        s3Env.put("MAGS_S3_SECRET_KEY", s3Json.path("secret_key").asText());
    }

    /**
     * Starts control plane number {@code controlPlanes.size()}, and waits for its API (not for its health, which
     * needs an agent with the default image).
     */
    Node startControlPlane(String... extra) {
        String name = "cp" + controlPlanes.size();
        int port = FreePort.pick();
        int ssh = FreePort.pick();
        List<String> argv = new ArrayList<>(List.of(Repo.magsd().toString(), "control-plane", "--data-dir",
                dir.resolve(name).toString(), "--listen", "127.0.0.1:" + port, "--ssh-listen", "127.0.0.1:" + ssh,
                "--ssh-host-key-file", dir.resolve("ssh_host_key").toString(),
                "--agent-secret-file", secretFile.toString(), "--default-image", "busybox",
                "--replica-id", name));
        argv.addAll(List.of(extra));
        Map<String, String> env = new HashMap<>(s3Env);
        env.put("MAGS_DATABASE_URL", databaseUrl);
        Node node = new Node(name, dir.resolve(name), port, ssh, argv, env);
        controlPlanes.add(node);
        node.start();
        node.awaitLog("(replica " + name + ") serving", Duration.ofSeconds(90));
        return node;
    }

    /** Starts agent number {@code agents.size()}, heartbeating to {@code controlPlane}, and waits until it runs. */
    Node startAgent(Node controlPlane, String... extra) {
        String name = "agent" + agents.size();
        int port = FreePort.pick();
        List<String> argv = new ArrayList<>(List.of(Repo.magsd().toString(), "agent", "--data-dir",
                dir.resolve(name).toString(), "--images-dir", TestImages.busybox().toString(),
                "--listen", "127.0.0.1:" + port, "--control-plane", controlPlane.url(),
                "--agent-secret-file", secretFile.toString(), "--agent-id", name, "--cgroup-parent", cgroupParent(name),
                "--default-image", "busybox", "--warm-pool-size", "0"));
        argv.addAll(List.of(extra));
        Node node = new Node(name, dir.resolve(name), port, 0, argv, new HashMap<>(s3Env));
        agents.add(node);
        node.start();
        node.awaitLog("magsd agent " + name, Duration.ofSeconds(90));
        return node;
    }

    /**
     * Options of an agent that serves the control planes over HTTPS, with a self-signed certificate for 127.0.0.1
     * (made once per cluster); the control planes take {@link #agentCaOptions()}.
     */
    String[] agentTlsOptions() {
        SelfSignedCertificate c = agentCertificate();
        return new String[] {"--tls-cert", c.certificate().toString(), "--tls-key", c.key().toString()};
    }

    /** Options of a control plane that trusts the certificate of {@link #agentTlsOptions()}. */
    String[] agentCaOptions() {
        return new String[] {"--agent-ca", agentCertificate().certificate().toString()};
    }

    private SelfSignedCertificate agentCertificate() {
        if (agentCertificate == null) {
            try {
                agentCertificate = SelfSignedCertificate.create(dir, "agents-tls", "IP:127.0.0.1");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return agentCertificate;
    }

    /** Restarts a stopped or crashed node with the same settings. */
    void restart(Node node) {
        node.start();
    }

    String cgroupParent(String agent) {
        return "mags-e2e-" + Integer.toHexString(dir.resolve(agent).toString().hashCode());
    }

    /** The admin token the first control plane made. */
    String adminToken() {
        try {
            return Files.readString(dir.resolve("cp0/admin-token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Environment for bin/mags talking to {@code controlPlane}. */
    Map<String, String> cliEnv(Node controlPlane, Path home) {
        return Map.of("MAGS_API_URL", controlPlane.url(), "MAGS_API_TOKEN", adminToken(), "HOME", home.toString());
    }

    /** What the agents left on the host (sandboxes, mounts, cgroups), after up to 15 s for ends to be released. */
    List<String> leaks() {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        List<String> leaks = scan();
        while (!leaks.isEmpty() && System.nanoTime() < deadline) {
            sleep(200);
            leaks = scan();
        }
        return leaks;
    }

    private List<String> scan() {
        List<String> all = new ArrayList<>();
        for (Node agent : agents) {
            all.addAll(HostLeaks.scan(agentConfig(agent)));
        }
        return all;
    }

    private AgentConfig agentConfig(Node agent) {
        return AgentConfig.defaults(agent.dataDir, TestImages.busybox()).withCgroupParent(cgroupParent(agent.name))
                .withWarmPool(WarmPoolConfig.disabled());
    }

    @Override
    public void close() {
        for (Node cp : controlPlanes) {
            cp.stop();
        }
        for (Node agent : agents) {
            if (agent.process != null && !agent.alive()) {
                // killed by a test and not started again: started once more, it reaps what it left (as on a host that
                // comes back); an agent of this JVM would make the test process a subreaper for the rest of its life
                int starts = agent.count("magsd agent " + agent.name + " ");
                agent.start();
                agent.awaitCount("magsd agent " + agent.name + " ", starts + 1, Duration.ofSeconds(90));
            }
            agent.stop();
            removeCgroupParent(cgroupParent(agent.name));
        }
        s3.stop();
    }

    /**
     * Every line of the control planes' and agents' logs that mentions {@code text} (a job or sandbox id), each headed
     * by its process, for a failure message: what the cluster said of that job then lands in the test's report.
     */
    String linesMentioning(String text) {
        StringBuilder out = new StringBuilder("\n--- lines of the cluster's logs that mention " + text + " ---");
        List<Node> nodes = new ArrayList<>(controlPlanes);
        nodes.addAll(agents);
        for (Node node : nodes) {
            node.log().lines().filter(l -> l.contains(text)).limit(40)
                    .forEach(l -> out.append('\n').append(node.name).append(": ").append(l));
        }
        return out.toString();
    }

    private static void removeCgroupParent(String parent) {
        try (var controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path c : controllers.toList()) {
                Path d = c.resolve(parent);
                if (Files.isDirectory(d)) {
                    try {
                        Files.delete(d);
                    } catch (IOException busy) {
                        // left for the leak check to report
                    }
                }
            }
        } catch (IOException ignored) {
            // no cgroup fs
        }
    }

    private static JsonNode awaitJson(Path file, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Files.isRegularFile(file)) {
                    return new ObjectMapper().readTree(file.toFile());
                }
            } catch (IOException e) {
                // being written
            }
            sleep(100);
        }
        throw new IllegalStateException(file + " did not appear in " + timeout);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
