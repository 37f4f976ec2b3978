package dev.mags.cli.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mags.sdk.MagsApiException;
import dev.mags.sdk.MagsConnectionException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@link SandboxExec} over {@code POST /api/v1/mags-jobs/{id}/exec}, answered as one JSON object
 * ({@code exit_code}, {@code stdout}, {@code stderr}, {@code message}, {@code truncated}). The Java SDK has no exec
 * method yet, so this one route is called here, with the CLI's URL and token; errors are the SDK's exceptions.
 */
final class HttpSandboxExec implements SandboxExec, AutoCloseable {
    /** Time for the server to answer beyond the command's own timeout. */
    private static final Duration MARGIN = Duration.ofSeconds(30);

    private final URI baseUrl;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();

    HttpSandboxExec(URI baseUrl, String token) {
        String base = baseUrl.toString();
        this.baseUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.token = token;
    }

    @Override
    public ExecAnswer exec(String jobOrName, String command, String stdin, Integer timeout) {
        ObjectNode body = json.createObjectNode().put("command", command);
        if (stdin != null) {
            body.put("stdin", stdin);
        }
        if (timeout != null) {
            body.put("timeout", timeout);
        }
        URI uri = URI.create(baseUrl + "/api/v1/mags-jobs/" + URLEncoder.encode(jobOrName, StandardCharsets.UTF_8)
                .replace("+", "%20") + "/exec");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (timeout != null) {
            request.timeout(Duration.ofSeconds(timeout).plus(MARGIN));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MagsConnectionException("cannot reach " + baseUrl + " for exec: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MagsConnectionException("exec on " + baseUrl + " was interrupted", e);
        }
        JsonNode answer = parse(response);
        if (response.statusCode() / 100 != 2) {
            JsonNode error = answer.path("error");
            String code = error.path("code").asText("http_" + response.statusCode());
            if (response.statusCode() == 404 && code.equals("not_found")) {
                throw new ExecUnavailableException(); // the server's answer for a route it does not have
            }
            throw new MagsApiException(response.statusCode(), code,
                    error.path("message").asText("HTTP " + response.statusCode() + " from " + uri));
        }
        return new ExecAnswer(
                answer.hasNonNull("exit_code") ? answer.get("exit_code").asInt() : null,
                answer.path("stdout").asText(""),
                answer.path("stderr").asText(""),
                answer.hasNonNull("message") ? answer.get("message").asText() : null,
                answer.path("truncated").asBoolean(false));
    }

    private JsonNode parse(HttpResponse<String> response) {
        try {
            return json.readTree(response.body().isEmpty() ? "{}" : response.body());
        } catch (IOException e) {
            throw new MagsApiException(response.statusCode(), MagsApiException.BAD_RESPONSE,
                    "exec answered HTTP " + response.statusCode() + " with a body that is not JSON", e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
