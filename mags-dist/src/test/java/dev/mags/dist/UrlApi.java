package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST calls around public URLs as one user makes them, where a test needs what {@code bin/mags} does not
 * offer (a job with {@code no_sync}, its status while it sleeps): a persistent job serving a port, its URL
 * ({@code POST /mags-jobs/{id}/access}), exec and stop.
 */
final class UrlApi {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String token;

    UrlApi(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** A new user of {@code magsd}, made by its admin; answers the user's API token. */
    static String newUserToken(MagsdFixture magsd, String name) {
        Api.Response r = new Api(magsd.url(), magsd.adminToken()).post("/api/v1/users", "{\"name\":\"" + name + "\"}");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
        return r.body().path("token").path("token").asText();
    }

    /**
     * {@code mags run -w WORKSPACE -p SCRIPT} as REST, with more fields of the job ({@code startup_command},
     * {@code no_sync}): the job is named after its workspace; answers its request id once it runs.
     */
    String runPersistent(String workspace, String script, Map<String, Object> more) {
        Map<String, Object> job = new LinkedHashMap<>(Map.of("script", script, "type", "inline", "name", workspace,
                "workspace_id", workspace, "persistent", true));
        job.putAll(more);
        Api.Response r = send("POST", "/api/v1/mags-jobs", job);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(202);
        awaitStatus(workspace, "running");
        return r.body().path("request_id").asText();
    }

    JsonNode status(String idOrName) {
        return send("GET", "/api/v1/mags-jobs/" + idOrName + "/status", null).body();
    }

    void awaitStatus(String idOrName, String wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String now = "";
        while (System.nanoTime() < deadline) {
            now = status(idOrName).path("status").asText();
            if (now.equals(wanted)) {
                return;
            }
            if (now.equals("completed") || now.equals("error")) {
                break;
            }
            sleep(100);
        }
        throw new AssertionError(idOrName + " is " + now + ", not " + wanted + ": " + status(idOrName));
    }

    /** Waits for the job's final status (completed or error, as its sandbox ended). */
    void awaitEnded(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!List.of("completed", "error").contains(status(id).path("status").asText())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(id + " has not ended: " + status(id));
            }
            sleep(100);
        }
    }

    Api.Response access(String idOrName, int port) {
        return send("POST", "/api/v1/mags-jobs/" + idOrName + "/access", Map.of("port", port));
    }

    /** The public URL of a job's port, as {@code mags url NAME PORT} asks for it. */
    String url(String idOrName, int port) {
        Api.Response r = access(idOrName, port);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("url").asText();
    }

    /** A command in the job's sandbox through the REST exec; it must exit 0. */
    JsonNode exec(String idOrName, String command) {
        Api.Response r = send("POST", "/api/v1/mags-jobs/" + idOrName + "/exec", Map.of("command", command));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        assertThat(r.body().path("exit_code").asInt()).as(r.body().toString()).isZero();
        return r.body();
    }

    Api.Response stop(String idOrName) {
        return send("POST", "/api/v1/mags-jobs/" + idOrName + "/stop", Map.of());
    }

    Api.Response send(String method, String path, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(Api.JSON.writeValueAsString(body));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .method(method, publisher).timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
            return new Api.Response(r.statusCode(), r.body().isEmpty() ? Api.JSON.createObjectNode()
                    : Api.JSON.readTree(r.body()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
