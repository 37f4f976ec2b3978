package dev.mags.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.JobAccepted;
import dev.mags.api.JobInfo;
import dev.mags.api.JobLogs;
import dev.mags.api.JobPage;
import dev.mags.api.JobRequest;
import dev.mags.api.JobStatus;
import dev.mags.api.LogSource;
import dev.mags.api.WhoAmI;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MagsClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeMagsServer server = FakeMagsServer.start();
    private final Mags mags = Mags.builder().baseUrl(server.uri()).token("tok-123").build();

    @AfterEach
    void tearDown() {
        mags.close();
        server.close();
    }

    @Test
    void runSendsOnlyTheSetFieldsInSnakeCaseWithTheToken() throws Exception {
        server.json("POST", "/api/v1/mags-jobs", 202, "{\"request_id\":\"j1\",\"status\":\"accepted\"}");

        JobAccepted accepted = mags.run(JobRequest.inline("echo hi").withName("demo")
                .withEnvironment(Map.of("A", "1")).withTimeoutSeconds(30));

        assertThat(accepted).isEqualTo(new JobAccepted("j1", "accepted"));
        FakeMagsServer.Request request = server.single("POST", "/api/v1/mags-jobs");
        assertThat(request.header("Authorization")).isEqualTo("Bearer tok-123");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(JSON.readTree(request.body())).isEqualTo(JSON.readTree(
                "{\"script\":\"echo hi\",\"type\":\"inline\",\"name\":\"demo\",\"environment\":{\"A\":\"1\"},"
                        + "\"timeout_seconds\":30}"));
    }

    @Test
    void runFillsInTheInlineTypeWhenMissing() throws Exception {
        server.json("POST", "/api/v1/mags-jobs", 200, "{\"request_id\":\"j2\",\"status\":\"accepted\"}");

        mags.run(JobRequest.builder("ls").type(null).workspaceId("ws").persistent(true).diskGb(5).build());

        JsonNode body = JSON.readTree(server.single("POST", "/api/v1/mags-jobs").body());
        assertThat(body).isEqualTo(JSON.readTree(
                "{\"script\":\"ls\",\"type\":\"inline\",\"workspace_id\":\"ws\",\"persistent\":true,\"disk_gb\":5}"));
    }

    @Test
    void statusReadsEveryFieldIncludingNulls() {
        server.json("GET", "/api/v1/mags-jobs/j1/status", 200, FakeMagsServer.job("j1", "running", null, null));

        JobInfo job = mags.status("j1");

        assertThat(job.requestId()).isEqualTo("j1");
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(job.exitCode()).isNull();
        assertThat(job.finishedAt()).isNull();
        assertThat(job.createdAt()).isEqualTo(Instant.parse("2025-01-02T03:04:05Z"));
        assertThat(server.single("GET", "/api/v1/mags-jobs/j1/status").header("Accept")).isEqualTo("application/json");
    }

    @Test
    void listSendsPageAndPageSize() {
        server.json("GET", "/api/v1/mags-jobs", 200, "{\"jobs\":[" + FakeMagsServer.job("j9", "completed", 0, null)
                + "],\"page\":2,\"page_size\":5,\"total\":6,\"extra\":\"ignored\"}");

        JobPage page = mags.list(2, 5);

        assertThat(page.jobs()).extracting(JobInfo::requestId).containsExactly("j9");
        assertThat(page.total()).isEqualTo(6);
        assertThat(server.single("GET", "/api/v1/mags-jobs").queryParams())
                .containsExactly(Map.entry("page", "2"), Map.entry("page_size", "5"));
    }

    @Test
    void logsAskForLinesAfterASequenceNumber() {
        server.json("GET", "/api/v1/mags-jobs/j1/logs", 200, "{\"request_id\":\"j1\",\"status\":\"completed\",\"logs\":["
                + "{\"seq\":6,\"timestamp\":\"2025-01-01T00:00:00Z\",\"source\":\"stderr\",\"message\":\"oops\"}]}");

        JobLogs logs = mags.logs("j1", 5);
        mags.logs("j1");

        assertThat(logs.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(logs.logs()).singleElement().satisfies(e -> {
            assertThat(e.seq()).isEqualTo(6);
            assertThat(e.source()).isEqualTo(LogSource.STDERR);
            assertThat(e.message()).isEqualTo("oops");
        });
        assertThat(server.requests("GET", "/api/v1/mags-jobs/j1/logs"))
                .extracting(FakeMagsServer.Request::query).containsExactly("after=5", null);
    }

    @Test
    void stopPostsWithoutBody() {
        server.json("POST", "/api/v1/mags-jobs/j1/stop", 200, FakeMagsServer.job("j1", "error", null, "stopped"));

        JobInfo job = mags.stop("j1");

        assertThat(job.status()).isEqualTo(JobStatus.ERROR);
        assertThat(server.single("POST", "/api/v1/mags-jobs/j1/stop").body()).isEmpty();
    }

    @Test
    void workspacesAreListedAndDeletedByName() {
        server.json("GET", "/api/v1/mags-workspaces", 200, "{\"workspaces\":[{\"workspace_id\":\"proj\","
                + "\"persistent\":false,\"created_at\":\"2025-01-01T00:00:00Z\",\"last_used_at\":\"2025-01-01T00:01:00Z\"}]}");
        server.json("DELETE", "/api/v1/mags-workspaces/proj", 200, "{\"workspace_id\":\"proj\",\"deleted\":true}");

        assertThat(mags.listWorkspaces().workspaces()).singleElement()
                .satisfies(w -> assertThat(w.workspaceId()).isEqualTo("proj"))
                .satisfies(w -> assertThat(w.persistent()).isFalse());
        mags.deleteWorkspace("proj");
        assertThat(server.single("DELETE", "/api/v1/mags-workspaces/proj")).isNotNull();
    }

    @Test
    void whoamiReadsTheUser() {
        server.json("GET", "/api/v1/me", 200, "{\"user\":\"alice\",\"admin\":true,\"token_prefix\":\"mags_ab\"}");

        assertThat(mags.whoami()).isEqualTo(new WhoAmI("alice", true, "mags_ab"));
    }

    @Test
    void jobIdsAreEncodedAsOnePathSegment() {
        mags.close();
        try (Mags client = Mags.builder().baseUrl(server.uri() + "/").token("t").build()) {
            server.json("GET", "/api/v1/mags-jobs/a b/status", 200, FakeMagsServer.job("a b", "pending", null, null));

            assertThat(client.status("a b").requestId()).isEqualTo("a b");
            assertThat(client.baseUrl().toString()).isEqualTo(server.uri().toString());
        }
    }
}
