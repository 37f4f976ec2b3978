package dev.mags.controlplane.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.PayloadTooLargeException;
import dev.mags.controlplane.error.UnauthorizedException;
import dev.mags.wire.Heartbeat;
import dev.mags.wire.WireJson;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * {@code POST /internal/v2/agents/heartbeat}: an agent's {@link Heartbeat} into the registry, answered with
 * {@link Heartbeat.Answer} ({@code live}, or {@code lost}: stop everything). Only with the cluster's agent secret as
 * bearer token (compared in constant time); errors go through the API's error mapper (its JSON and statuses). Runs
 * on a blocking worker (the API server wraps it).
 */
public final class HeartbeatRoute implements HttpHandler {
    /** A heartbeat lists workspace keys of up to 128 characters: room for thousands of them. */
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,252}");

    private final byte[] expected;
    private final AgentRegistry registry;
    private final Clock clock;
    private final ObjectMapper json = WireJson.mapper();

    public HeartbeatRoute(String agentSecret, AgentRegistry registry, Clock clock) {
        if (agentSecret == null || agentSecret.length() < 16) {
            throw new IllegalArgumentException("the agent secret must be at least 16 characters");
        }
        this.expected = ("Bearer " + agentSecret).getBytes(StandardCharsets.UTF_8);
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) {
        var given = ex.getRequestHeaders().get(Headers.AUTHORIZATION);
        if (given == null || given.size() != 1
                || !MessageDigest.isEqual(expected, given.getFirst().getBytes(StandardCharsets.UTF_8))) {
            throw new UnauthorizedException("heartbeats are taken from agents only, with the cluster's agent secret "
                    + "(Authorization: Bearer SECRET, the secret magsd agent was started with)");
        }
        Heartbeat heartbeat = valid(read(ex));
        Heartbeat.Answer answer = registry.heartbeat(heartbeat, clock.instant());
        ex.setStatusCode(StatusCodes.OK);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        try {
            ex.getResponseSender().send(json.writeValueAsString(answer));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Heartbeat read(HttpServerExchange ex) {
        try (InputStream in = ex.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new PayloadTooLargeException("request_too_large", "a heartbeat is at most " + MAX_BODY_BYTES
                        + " bytes of JSON");
            }
            Heartbeat heartbeat = json.readValue(body, Heartbeat.class);
            if (heartbeat == null) {
                throw new BadRequestException("invalid_heartbeat", "the body must be a heartbeat (a JSON object)");
            }
            return heartbeat;
        } catch (JsonProcessingException e) {
            throw new BadRequestException("invalid_heartbeat", "the body is not a heartbeat: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Heartbeat valid(Heartbeat h) {
        if (!AGENT_ID.matcher(h.agentId()).matches()) {
            throw invalid("agentId '" + h.agentId() + "' is not 1 to 253 characters of [A-Za-z0-9_.-] starting with a "
                    + "letter or digit (a host name is)");
        }
        String scheme = h.url().getScheme();
        if (!("http".equals(scheme) || "https".equals(scheme)) || h.url().getHost() == null) {
            throw invalid("url '" + h.url() + "' is not an http(s) URL with a host: where this control plane reaches "
                    + "the agent (its --listen address as others see it)");
        }
        if (h.startedAt() == null) {
            throw invalid("startedAt is missing: when the agent process started");
        }
        if (h.slotsTotal() < 0 || h.slotsUsed() < 0 || h.memoryTotalBytes() < 0 || h.memoryFreeBytes() < 0) {
            throw invalid("slots and memory are counts: none may be negative");
        }
        if ((h.diskFreeBytes() != null && h.diskFreeBytes() < 0)
                || (h.diskGrowableBytes() != null && h.diskGrowableBytes() < 0)) {
            throw invalid("disk figures are byte counts: none may be negative (leave them out when unknown)");
        }
        return h;
    }

    private static BadRequestException invalid(String message) {
        return new BadRequestException("invalid_heartbeat", message);
    }
}
