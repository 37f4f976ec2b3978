package dev.mags.controlplane;

import static dev.mags.controlplane.JobsApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.protocol.v2.SandboxUse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/** Usage summaries add up what the user's jobs and sandboxes used, per day, and nobody else's. */
@ParameterizedClass
@EnumSource(StateBackend.class)
class UsageApiTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    final FakeAgent agent = new FakeAgent("busybox");
    TestApi api;

    @BeforeEach
    void start() {
        agent.use = new SandboxUse(250_000, 64L << 20);
        api = new TestApi(backend, dir, agent);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private void runToEnd(String token) {
        HttpResponse<String> r = api.post("/api/v1/mags-jobs", token, "{\"script\": \"out hi\\nsleep 200\"}");
        String id = json(r).get("request_id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                json(api.get("/api/v1/mags-jobs/" + id + "/status", token)).get("status").asText().equals("completed"));
    }

    @Test
    void usageAddsUpTheJobsAndWhatTheirSandboxesCountedPerDay() {
        for (int i = 0; i < 3; i++) {
            runToEnd(api.token);
        }
        String bob = api.cp.tokens().createToken("bob", false);
        runToEnd(bob);

        await().atMost(Duration.ofSeconds(10)).until(() ->
                json(api.get("/api/v1/mags-usage", api.token)).get("cpu_seconds").asDouble() >= 0.75);
        JsonNode u = json(api.get("/api/v1/mags-usage?window_days=7", api.token));

        assertThat(u.get("window_days").asInt()).isEqualTo(7);
        assertThat(u.get("total_jobs").asLong()).isEqualTo(3);
        assertThat(u.get("cpu_seconds").asDouble()).isEqualTo(0.75);
        assertThat(u.get("memory_peak_bytes").asLong()).isEqualTo(64L << 20);
        assertThat(u.get("vm_seconds").asDouble()).as("three jobs of 200 ms or more").isGreaterThanOrEqualTo(0.6);
        assertThat(u.get("sandbox_hours").asDouble()).isGreaterThan(0);
        assertThat(u.get("days")).hasSize(7);
        JsonNode today = u.get("days").get(6);
        assertThat(today.get("date").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
        assertThat(today.get("jobs").asLong()).isEqualTo(3);
        assertThat(today.get("cpu_seconds").asDouble()).isEqualTo(0.75);
        assertThat(u.at("/storage/files_bytes").asLong()).isZero();

        JsonNode bobs = json(api.get("/api/v1/mags-usage", bob));
        assertThat(bobs.get("total_jobs").asLong()).isEqualTo(1);
        assertThat(bobs.get("days")).hasSize(30);
    }

    @Test
    void aBadWindowIsRefused() {
        for (String q : new String[] {"0", "367", "week"}) {
            HttpResponse<String> r = api.get("/api/v1/mags-usage?window_days=" + q, api.token);
            assertThat(r.statusCode()).as(q).isEqualTo(400);
            assertThat(json(r).at("/error/message").asText()).contains("window_days");
        }
    }
}
