package dev.mags.controlplane;

import dev.mags.controlplane.files.MapFileBlobs;
import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.controlplane.placement.SingleAgent;
import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.StateBackend;
import dev.mags.controlplane.workspace.WorkspaceCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** A real control plane on a free loopback port over a real state store (SQLite or PostgreSQL), with a fake agent. */
final class TestApi implements AutoCloseable {
    final Path dir;
    final FakeAgent agent;
    final Database db;
    final ControlPlane cp;
    final String token;
    final HttpClient http = HttpClient.newHttpClient();

    TestApi(StateBackend backend, Path dir, FakeAgent agent) {
        this(backend, dir, agent, ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox"));
    }

    final MapFileBlobs files = new MapFileBlobs();

    TestApi(StateBackend backend, Path dir, FakeAgent agent, ControlPlaneConfig config) {
        this(backend, dir, agent, config, WorkspaceCatalog.NONE, Clock.systemUTC());
    }

    TestApi(StateBackend backend, Path dir, FakeAgent agent, ControlPlaneConfig config, Clock clock) {
        this(backend, dir, agent, config, WorkspaceCatalog.NONE, clock);
    }

    TestApi(StateBackend backend, Path dir, FakeAgent agent, ControlPlaneConfig config, WorkspaceCatalog catalog) {
        this(backend, dir, agent, config, catalog, Clock.systemUTC());
    }

    TestApi(StateBackend backend, Path dir, FakeAgent agent, ControlPlaneConfig config, WorkspaceCatalog catalog,
            Clock clock) {
        this.dir = dir;
        this.agent = agent;
        this.db = backend.open(dir);
        this.cp = new ControlPlane(config, db, new SingleAgent(agent), catalog, files, clock);
        this.token = cp.tokens().createToken("alice", true);
        cp.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + cp.port() + path);
    }

    HttpResponse<String> get(String path, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return send(b.build());
    }

    HttpResponse<String> post(String path, String bearer, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return send(b.build());
    }

    HttpResponse<String> patch(String path, String bearer, String json) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + bearer)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> delete(String path, String bearer) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).DELETE()
                .header("Authorization", "Bearer " + bearer).build());
    }

    HttpResponse<String> send(HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        cp.close();
        db.close();
    }
}
