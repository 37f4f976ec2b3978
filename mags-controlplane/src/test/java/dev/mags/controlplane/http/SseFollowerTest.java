package dev.mags.controlplane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.JobInfo;
import dev.mags.api.JobStatus;
import dev.mags.api.LogSource;
import dev.mags.controlplane.job.JobOutput;
import dev.mags.controlplane.job.OutputRegistry;
import dev.mags.controlplane.state.LogPage;
import dev.mags.controlplane.state.StateFixture;
import io.undertow.Undertow;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/** A client that does not read while a job writes tens of MB: the server holds a bounded amount for it. */
@ParameterizedClass
@EnumSource(StateBackend.class)
class SseFollowerTest {
    @Parameter
    StateBackend backend;

    static final ObjectMapper JSON = Json.mapper();
    @TempDir
    Path dir;

    @Test
    void aStalledClientCostsABoundedQueueAndStillGetsEveryLineOnceInOrder() throws Exception {
        int lines = 200_000;
        String text = "x".repeat(100);
        AtomicReference<SseFollower> follower = new AtomicReference<>();
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try (StateFixture state = new StateFixture(dir, backend); OutputRegistry outputs = new OutputRegistry(state.logs, 1L << 30, 50)) {
            String id = state.job(state.user("alice"), Instant.now());
            JobOutput out = outputs.open(id);
            JobInfo done = new JobInfo(id, null, JobStatus.COMPLETED, "true", "inline", "busybox", 0, null,
                    Instant.now(), Instant.now(), Instant.now(), null);
            Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                    .setHandler(new ServerSentEventHandler((connection, last) -> {
                        SseFollower f = new SseFollower(connection, id, 0, outputs, x -> done, JSON, readers);
                        follower.set(f);
                        connection.addCloseTask(c -> f.stop());
                        f.start();
                    })).build();
            server.start();
            int port = ((InetSocketAddress) server.getListenerInfo().getFirst().getAddress()).getPort();
            try (Socket client = new Socket("127.0.0.1", port)) {
                client.setReceiveBufferSize(64 * 1024);
                OutputStream req = client.getOutputStream();
                // HTTP/1.0: the body is not chunked, so SSE lines are read as they are
                req.write("GET /events HTTP/1.0\r\nAccept: text/event-stream\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                req.flush();
                out.append(LogSource.STDOUT, Instant.now(), text);
                await().atMost(Duration.ofSeconds(10)).until(() -> follower.get() != null && follower.get().isLive());
                // The job writes ~20 MB (~35 MB of events) while the client reads nothing.
                long maxQueued = 0;
                boolean fellBehind = false;
                for (int i = 2; i <= lines; i++) {
                    out.append(LogSource.STDOUT, Instant.now(), text);
                    if (i % 500 == 0) {
                        maxQueued = Math.max(maxQueued, follower.get().queuedChars());
                        fellBehind |= !follower.get().isLive();
                    }
                }
                out.persist(state.logs);
                out.close(done);
                outputs.remove(id);
                // Live: at most the limit and one event; catching up: a page on top of the level it resumes at.
                long bound = SseFollower.MAX_QUEUED_CHARS + LogPage.MAX_CHARS + LogPage.MAX_LINES * 100L;
                assertThat(maxQueued).as("most event text queued at once").isLessThanOrEqualTo(bound);
                assertThat(fellBehind).isTrue();

                // Now the client reads everything: each seq once, in order, then the final status.
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                long expected = 1;
                String event = null;
                String line;
                JsonNode status = null;
                while ((line = in.readLine()) != null && status == null) {
                    if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        JsonNode data = JSON.readTree(line.substring(5).trim());
                        if ("log".equals(event)) {
                            assertThat(data.get("seq").asLong()).isEqualTo(expected++);
                            assertThat(data.get("message").asText()).isEqualTo(text);
                        } else if ("status".equals(event)) {
                            status = data;
                        }
                    }
                }
                assertThat(expected - 1).isEqualTo(lines);
                assertThat(status).isNotNull();
                assertThat(status.get("status").asText()).isEqualTo("completed");
            } finally {
                server.stop();
            }
        } finally {
            readers.shutdownNow();
        }
    }
}
