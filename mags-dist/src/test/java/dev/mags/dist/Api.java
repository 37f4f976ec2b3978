package dev.mags.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw HTTP calls, as curl would make them. */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String token;

    Api(String base, String token) {
        this.base = base;
        this.token = token;
    }

    record Response(int status, JsonNode body) {}

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Response post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), JSON.readTree(r.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls a job's status until it is final. */
    JsonNode awaitFinal(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode s = get("/api/v1/mags-jobs/" + id + "/status").body();
            String status = s.path("status").asText();
            if (status.equals("completed") || status.equals("error")) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " still " + status + " after " + timeout);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Polls a job's status until it is {@code wanted}. */
    JsonNode awaitStatus(String id, String wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode s = get("/api/v1/mags-jobs/" + id + "/status").body();
            if (s.path("status").asText().equals(wanted)) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " not " + wanted + " after " + timeout + ": " + s);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Submits a job of this JSON body; its request id. */
    String submitJson(String body) {
        Response r = post("/api/v1/mags-jobs", body);
        if (r.status() != 202) {
            throw new AssertionError("submit failed: " + r.status() + " " + r.body());
        }
        return r.body().get("request_id").asText();
    }

    String submit(String script) {
        try {
            Response r = post("/api/v1/mags-jobs", JSON.writeValueAsString(java.util.Map.of("script", script, "type", "inline")));
            if (r.status() != 202) {
                throw new AssertionError("submit failed: " + r.status() + " " + r.body());
            }
            return r.body().get("request_id").asText();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
