package dev.mags.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.sdk.Mags;
import dev.mags.testkit.PostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part {@code cluster}: a control plane, three agents, {@code magsd s3} and PostgreSQL, each its own process.
 * {@code placement_ms}: a job accepted by the control plane until its script runs on the agent it chose (the choice,
 * the sandbox made there, the script started), one job at a time. {@code recovery_s}: {@code kill -9} of the agent
 * that serves an always-on sandbox's URL until the URL answers again from another agent (the agent declared lost
 * after 15 s of silence, the sandbox restored there from its last snapshot, its startup command's server up); the
 * killed agent is started again before the next round. {@code cluster_exec_ms}: an exec into a live sandbox through
 * the control plane, to the agent over plain HTTP, from the request to the exit code; {@code cluster_exec_tls_ms}:
 * the same on a second cluster (one agent) whose agent serves the control plane over HTTPS.
 */
final class ClusterPart {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A page server on port 8080, in the background: busybox's httpd, or Python's on the debian image. */
    private static final String SERVER = "mkdir -p /tmp/www && echo alive > /tmp/www/index.html && cd /tmp/www && "
            + "if command -v httpd >/dev/null; then httpd -p 8080 -h /tmp/www; "
            + "else (python3 -m http.server 8080 >/dev/null 2>&1 &); fi";

    private ClusterPart() {}

    /** Execs that warm both JVMs' exec paths up before the samples. */
    private static final int EXEC_WARM_UP = 50;

    static Map<String, Figure> measure(Path repo, Path work, Path imagesDir, String image, int jobs, int recoveries,
                                       int execs, AtomicInteger errors) throws Exception {
        PostgresServer pg = PostgresServer.shared().orElse(null);
        if (pg == null) {
            System.err.println("bench: cluster: PostgreSQL is not installed (Debian: apt-get install postgresql)");
            errors.incrementAndGet();
            return Map.of();
        }
        BenchMain.step("a cluster: control plane, 3 agents, magsd s3, PostgreSQL");
        Map<String, Figure> figures = new LinkedHashMap<>();
        try (ClusterProcesses cluster = new ClusterProcesses(repo, work, imagesDir, image, pg, 3, false)) {
            Map<String, String> env = Map.of("MAGS_API_URL", cluster.controlPlane.url(), "MAGS_API_TOKEN", cluster.token(),
                    "HOME", work.toString());
            awaitHealthy(cluster.controlPlane.url());
            BenchMain.step(jobs + " jobs placed on the agents, one at a time");
            List<Double> placement = placements(cluster, env, jobs, errors);
            BenchMain.step(recoveries + " kills of the agent serving an always-on URL");
            List<Double> recovery = recoveries(repo, cluster, env, recoveries, errors);
            figures.put("placement_ms", Figure.of("ms", placement));
            figures.put("recovery_s", Figure.of("s", recovery));
            BenchMain.step(execs + " execs into a live sandbox, the agent over plain HTTP");
            figures.put("cluster_exec_ms", Figure.of("ms", execs(cluster, execs, errors)));
        }
        BenchMain.step("a cluster whose agent serves the control plane over HTTPS: " + execs + " execs");
        try (ClusterProcesses tls = new ClusterProcesses(repo, work.resolve("t"), imagesDir, image, pg, 1, true)) {
            awaitHealthy(tls.controlPlane.url());
            figures.put("cluster_exec_tls_ms", Figure.of("ms", execs(tls, execs, errors)));
        }
        return figures;
    }

    /** The exec figures beside each other, and their target. */
    static List<String> notes(Map<String, Figure> all) {
        Figure plain = all.get("cluster_exec_ms");
        Figure tls = all.get("cluster_exec_tls_ms");
        if (plain == null || tls == null) {
            return List.of();
        }
        return List.of(String.format("cluster_exec_ms and cluster_exec_tls_ms: `echo x` in a live sandbox through the"
                + " control plane (the Java SDK's streamed exec, from the request to the exit code, one at a time after %d"
                + " that warm the JVMs up), its agent over plain HTTP, then on a second cluster over HTTPS (certificate"
                + " checked; the exec connection the agent keeps after an exec is taken by the next, so the handshake is"
                + " paid once): p50 %.1f ms and"
                + " %.1f ms, TLS at %.2fx (target: at most 2x the plain exec of the same run)", EXEC_WARM_UP,
                plain.p50(), tls.p50(), tls.p50() / plain.p50()));
    }

    /** Execs of {@code echo x} into a new live sandbox through the control plane, one at a time, after a warm-up. */
    private static List<Double> execs(ClusterProcesses cluster, int n, AtomicInteger errors) {
        List<Double> ms = new ArrayList<>();
        try (Mags mags = Mags.builder().baseUrl(URI.create(cluster.controlPlane.url())).token(cluster.token())
                .requestTimeout(Duration.ofSeconds(60)).build(); LiveSandboxes live = new LiveSandboxes(mags, errors)) {
            live.create("exec-bench");
            live.awaitRunning();
            for (int i = 0; i < EXEC_WARM_UP; i++) {
                Bench.timedExec(mags, "exec-bench", errors);
            }
            for (int i = 0; i < n; i++) {
                ms.add(Bench.timedExec(mags, "exec-bench", errors).endMs());
            }
        }
        return ms;
    }

    private static List<Double> placements(ClusterProcesses cluster, Map<String, String> env, int jobs,
                                           AtomicInteger errors) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = cluster.controlPlane.url() + "/api/v1/mags-jobs";
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base))
                    .header("Authorization", "Bearer " + env.get("MAGS_API_TOKEN"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"script\":\"echo placed\",\"type\":\"inline\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String id = JSON.readTree(created.body()).path("request_id").asText();
            JsonNode done = awaitFinal(http, base + "/" + id + "/status", env.get("MAGS_API_TOKEN"));
            if (!done.path("status").asText().equals("completed")) {
                Bench.error(errors, "cluster job " + id + " ended " + done);
                continue;
            }
            ms.add(Duration.between(Instant.parse(done.path("created_at").asText()),
                    Instant.parse(done.path("started_at").asText())).toNanos() / 1e6);
        }
        return ms;
    }

    private static List<Double> recoveries(Path repo, ClusterProcesses cluster, Map<String, String> env, int rounds,
                                           AtomicInteger errors) {
        mags(repo, env, "new", "always", "-p");
        mags(repo, env, "set", "always", "--no-sleep", "--startup-command", SERVER);
        mags(repo, env, "exec", "always", SERVER);
        String url = mags(repo, env, "url", "always", "8080").strip();
        String jobId = mags(repo, env, "status", "always", "--json").replaceAll("(?s).*\"request_id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        String created = "sandbox " + jobId + " created";
        List<Double> seconds = new ArrayList<>();
        try {
            awaitPage(url, Duration.ofSeconds(60));
            ClusterProcesses.Proc holder = cluster.agents.stream().filter(a -> a.log().contains(created)).findFirst()
                    .orElseThrow();
            for (int round = 0; round < rounds; round++) {
                Map<ClusterProcesses.Proc, Integer> before = new java.util.HashMap<>();
                cluster.agents.forEach(a -> before.put(a, count(a.log(), created)));
                int restarts = count(holder.log(), "removed what");
                long start = System.nanoTime();
                holder.kill();
                if (!awaitPage(url, Duration.ofSeconds(120))) {
                    Bench.error(errors, "cluster: the always-on URL did not answer again after its agent was killed");
                    return seconds;
                }
                seconds.add((System.nanoTime() - start) / 1e9);
                holder.start();
                ClusterProcesses.Proc killed = holder;
                awaitCount(killed, "removed what", restarts + 1);
                // the next round kills the agent that made the sandbox again
                holder = cluster.agents.stream().filter(a -> a != killed && count(a.log(), created) > before.get(a))
                        .findFirst().orElseThrow();
            }
        } finally {
            mags(repo, env, "stop", "always");
        }
        return seconds;
    }

    /** Waits until the process's log holds {@code text} {@code n} times: it started again and reaped. */
    private static void awaitCount(ClusterProcesses.Proc proc, String text, int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (count(proc.log(), text) < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(proc.name + " did not log '" + text + "' again");
            }
            Bench.sleep(50);
        }
    }

    private static boolean awaitPage(String url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Sh.Result r = Sh.run(List.of("curl", "-s", "--max-time", "2", url), Map.of(), Duration.ofSeconds(10));
            if (r.exitCode() == 0 && r.stdout().equals("alive\n")) {
                return true;
            }
            Bench.sleep(100);
        }
        return false;
    }

    private static String mags(Path repo, Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>(List.of(repo.resolve("bin/mags").toString()));
        argv.addAll(List.of(args));
        Sh.Result r = Sh.run(argv, env, Duration.ofMinutes(2));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("mags " + String.join(" ", args) + " failed: " + r.stderr());
        }
        return r.stdout();
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static void awaitHealthy(String url) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (http.send(HttpRequest.newBuilder(URI.create(url + "/healthz")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                return;
            }
            Bench.sleep(100);
        }
        throw new IllegalStateException("the control plane did not become healthy (no agent with the image?)");
    }

    private static JsonNode awaitFinal(HttpClient http, String url, String token) throws Exception {
        while (true) {
            JsonNode s = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
            String status = s.path("status").asText();
            if (status.equals("completed") || status.equals("error")) {
                return s;
            }
            Bench.sleep(10);
        }
    }
}
