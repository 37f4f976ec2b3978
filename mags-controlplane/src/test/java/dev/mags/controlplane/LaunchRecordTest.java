package dev.mags.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/** A job's launch is committed to the state store before its script can start, so a crash cannot lose it. */
@ParameterizedClass
@EnumSource(StateBackend.class)
class LaunchRecordTest {
    @Parameter
    StateBackend backend;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theLaunchIsInTheStoreBeforeTheScriptStarts() throws Exception {
        FakeAgent agent = new FakeAgent("busybox");
        // Read through a connection of its own, which sees only what was committed.
        List<Optional<Long>> seenAtScriptStart = new CopyOnWriteArrayList<>();
        agent.beforeScript = spec -> seenAtScriptStart.add(launchedAt(spec.id().value()));
        try (TestApi api = new TestApi(backend, dir, agent)) {
            HttpResponse<String> r = api.post("/api/v1/mags-jobs", api.token, "{\"script\":\"out hi\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            String id = JSON.readTree(r.body()).get("request_id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    JSON.readTree(api.get("/api/v1/mags-jobs/" + id + "/status", api.token).body())
                            .get("status").asText().equals("completed"));
        }
        assertThat(seenAtScriptStart).singleElement().satisfies(at -> assertThat(at).isPresent());
    }

    private Optional<Long> launchedAt(String jobId) {
        try (Connection c = backend.connect(dir);
                PreparedStatement q = c.prepareStatement("SELECT launched_at FROM jobs WHERE id = ?")) {
            q.setString(1, jobId);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long at = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(at);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
