package dev.mags.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

@ParameterizedClass
@EnumSource(StateBackend.class)
class EventStreamTest {
    @Parameter
    StateBackend backend;

    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    TestApi api;
    FakeAgent agent = new FakeAgent("busybox");

    @BeforeEach
    void start() {
        api = new TestApi(backend, dir, agent);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    record Event(String name, String id, JsonNode data, long receivedNanos) {}

    List<Event> follow(String jobId, long after) throws Exception {
        return follow(jobId, after, new ArrayList<>());
    }

    /** Follows the job's stream to its end, adding each event to {@code events} as it arrives. */
    List<Event> follow(String jobId, long after, List<Event> events) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(api.uri("/api/v1/mags-jobs/" + jobId + "/events?after=" + after))
                .header("Authorization", "Bearer " + api.token).timeout(Duration.ofSeconds(20)).GET().build();
        HttpResponse<Stream<String>> resp = api.http.send(req, HttpResponse.BodyHandlers.ofLines());
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("text/event-stream"));
        String name = null;
        String id = null;
        StringBuilder data = new StringBuilder();
        for (String line : (Iterable<String>) resp.body()::iterator) {
            if (line.isEmpty()) {
                if (name != null) {
                    events.add(new Event(name, id, JSON.readTree(data.toString()), System.nanoTime()));
                }
                name = null;
                id = null;
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            } else if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).trim());
            }
        }
        return events;
    }

    String submit(String script) throws Exception {
        HttpResponse<String> r = api.post("/api/v1/mags-jobs", api.token,
                JSON.writeValueAsString(java.util.Map.of("script", script)));
        return JSON.readTree(r.body()).get("request_id").asText();
    }

    @Test
    void linesArriveLiveAndTheStreamEndsWithTheFinalStatus() throws Exception {
        String id = submit("out a\nawait b\nerr b\nexit 4");
        List<Event> events = java.util.Collections.synchronizedList(new ArrayList<>());
        var followed = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                follow(id, 0, events);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        // a arrives while the script waits before b: the stream delivers lines live, not at the end.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
        assertThat(events.getFirst().data().get("message").asText()).isEqualTo("a");
        agent.open("b");
        followed.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(events).extracting(Event::name).containsExactly("log", "log", "status");
        assertThat(events.get(1).data().get("source").asText()).isEqualTo("stderr");
        assertThat(events.get(1).id()).isEqualTo("2");
        assertThat(events.get(2).data().get("status").asText()).isEqualTo("error");
        assertThat(events.get(2).data().get("exit_code").asInt()).isEqualTo(4);
    }

    @Test
    void followingAFinishedJobReplaysFromAfterWithoutDuplicates() throws Exception {
        String id = submit("out 1\nout 2\nout 3");
        follow(id, 0);
        List<Event> rest = follow(id, 1);
        assertThat(rest).extracting(Event::name).containsExactly("log", "log", "status");
        assertThat(rest.get(0).data().get("seq").asLong()).isEqualTo(2);
        assertThat(rest.get(2).data().get("status").asText()).isEqualTo("completed");
    }

    @Test
    void manyLinesAreDeliveredOnceEachInOrder() throws Exception {
        StringBuilder script = new StringBuilder();
        for (int i = 1; i <= 2000; i++) {
            script.append("out line ").append(i).append('\n');
            if (i % 500 == 0) {
                script.append("sleep 30\n");
            }
        }
        String id = submit(script.toString());
        Thread.sleep(20);
        List<Event> events = follow(id, 0);
        List<Event> logs = events.stream().filter(e -> e.name().equals("log")).toList();
        assertThat(logs).hasSize(2000);
        for (int i = 0; i < logs.size(); i++) {
            assertThat(logs.get(i).data().get("seq").asLong()).isEqualTo(i + 1);
        }
        assertThat(events.getLast().name()).isEqualTo("status");
    }
}
