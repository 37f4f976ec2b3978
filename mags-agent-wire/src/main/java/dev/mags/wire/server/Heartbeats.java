package dev.mags.wire.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.wire.Heartbeat;
import dev.mags.wire.WireJson;
import dev.mags.wire.WireProtocol;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's heartbeat: every {@code every}, what {@code state} says now, sent to the control plane. When the
 * control plane answers that it declared this agent lost, {@code onLost} runs before the next heartbeat (it stops
 * every sandbox: they have been moved elsewhere, and must not run twice or sync over their new copies).
 */
public final class Heartbeats implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    private final URI target;
    private final String authorization;
    private final Supplier<Heartbeat> state;
    private final Runnable onLost;
    private final ObjectMapper json = WireJson.mapper();
    private final HttpClient http;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("agent-heartbeat").daemon().factory());
    private final Duration every;
    private volatile boolean failing;

    public Heartbeats(URI controlPlane, String secret, Duration every, Supplier<Heartbeat> state, Runnable onLost) {
        this(controlPlane, secret, null, every, state, onLost);
    }

    /** @param tls what an {@code https} control plane's certificate is checked against; null for the JDK's CAs */
    public Heartbeats(URI controlPlane, String secret, SSLContext tls, Duration every, Supplier<Heartbeat> state,
            Runnable onLost) {
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3));
        this.http = (tls == null ? client : client.sslContext(tls)).build();
        this.target = controlPlane.resolve(WireProtocol.HEARTBEAT_PATH);
        this.authorization = "Bearer " + secret;
        this.every = every;
        this.state = state;
        this.onLost = onLost;
    }

    public Heartbeats start() {
        timer.scheduleWithFixedDelay(this::beat, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Sends one heartbeat now; returns the answer, or null when the control plane could not be reached. */
    Heartbeat.Answer beat() {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(target)
                    .header("Authorization", authorization).header("Content-Type", "application/json")
                    .timeout(every.multipliedBy(2))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(state.get()))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("the control plane answered " + response.statusCode() + ": "
                        + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)
                        + (response.statusCode() == 401 ? " (give the agent the control plane's --agent-secret-file)"
                        : ""));
            }
            Heartbeat.Answer answer = json.readValue(response.body(), Heartbeat.Answer.class);
            if (failing) {
                LOG.info("the control plane at {} answers heartbeats again", target);
                failing = false;
            }
            if (Heartbeat.Answer.LOST.state().equals(answer.state())) {
                LOG.warn("the control plane declared this agent lost (it did not hear from it in time); stopping every "
                        + "sandbox here, since they run elsewhere now");
                onLost.run();
            }
            return answer;
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                LOG.warn("heartbeat to {} failed; retrying every {} s: {}", target, every.toSeconds(), e.toString());
                failing = true;
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        http.close();
    }
}
