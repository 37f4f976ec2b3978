package dev.mags.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.controlplane.job.OutputPolicy;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/** What a user sees of a job whose output the retention removed, and of one past the per-job cap. */
@ParameterizedClass
@EnumSource(StateBackend.class)
class OutputRetentionApiTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    TestApi api;

    @BeforeEach
    void start() {
        OutputPolicy small = new OutputPolicy(2500, 4000, 4000, Duration.ofDays(30), Duration.ofMillis(100));
        api = new TestApi(backend, dir, new FakeAgent("busybox"),
                ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox").withOutput(small));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** A job printing {@code lines} lines of 96 characters (100 bytes each as stored). */
    private String run(int lines) {
        String script = ("out " + "x".repeat(96) + "\n").repeat(lines);
        HttpResponse<String> r = api.post("/api/v1/mags-jobs", api.token,
                "{\"script\": " + JobsApiTest.JSON.valueToTree(script) + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = JobsApiTest.json(r).get("request_id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                JobsApiTest.json(api.get("/api/v1/mags-jobs/" + id + "/status", api.token)).get("finished_at").isTextual());
        return id;
    }

    private JsonNode logs(String id) {
        HttpResponse<String> r = api.get("/api/v1/mags-jobs/" + id + "/logs", api.token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JobsApiTest.json(r).get("logs");
    }

    @Test
    void theOldestJobsOutputMakesRoomAndItsLogsSayWhy() {
        String first = run(20);
        assertThat(logs(first)).hasSize(20);
        String second = run(20); // 4,000 bytes kept in all: at the user's cap

        String third = run(10); // now over it: the first job's output goes
        await().atMost(Duration.ofSeconds(10)).until(() -> logs(first).size() == 1);
        JsonNode notice = logs(first).get(0);
        assertThat(notice.get("source").asText()).isEqualTo("system");
        assertThat(notice.get("seq").asLong()).isEqualTo(21);
        assertThat(notice.get("message").asText()).startsWith("output removed on ").contains(
                "this user's jobs keep more than 4000 bytes of output");
        assertThat(logs(second)).hasSize(20);
        assertThat(logs(third)).hasSize(10);
        JsonNode status = JobsApiTest.json(api.get("/api/v1/mags-jobs/" + first + "/status", api.token));
        assertThat(status.get("status").asText()).isEqualTo("completed");
        // a client that had read the 20 lines before gets just the notice
        HttpResponse<String> after = api.get("/api/v1/mags-jobs/" + first + "/logs?after=20", api.token);
        assertThat(JobsApiTest.json(after).get("logs")).hasSize(1);
    }

    @Test
    void outputPastTheJobCapEndsWithTheTruncationNotice() {
        String id = run(40);
        JsonNode lines = logs(id);
        // 25 lines of 100 bytes fit in 2,500 (24 if some line came 10 ms or more after the one before: 101 bytes)
        assertThat(lines.size()).isBetween(25, 26);
        JsonNode last = lines.get(lines.size() - 1);
        for (int i = 0; i < lines.size() - 1; i++) {
            assertThat(lines.get(i).get("source").asText()).isEqualTo("stdout");
        }
        assertThat(last.get("source").asText()).isEqualTo("system");
        assertThat(last.get("message").asText())
                .isEqualTo("output truncated: the job's output reached 2500 bytes, the most kept per job; "
                        + "further lines are not kept");
    }
}
