package dev.mags.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mags.api.ApiError;
import dev.mags.api.JobAccepted;
import dev.mags.api.JobInfo;
import dev.mags.api.JobLogs;
import dev.mags.api.JobRequest;
import dev.mags.api.LogEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link QuickRun}'s documents read and written through jackson-core's streaming API exactly as Jackson's data binding does. */
class LeanJsonTest {
    private final LeanJson lean = new LeanJson();
    private final DatabindJson databind = new DatabindJson(MagsJson.newMapper());

    private <T> void readsAlike(String json, Class<T> type) throws JsonProcessingException {
        T expected = databind.read(json, type);
        assertThat(lean.read(json, type)).as(json).isEqualTo(expected);
    }

    @Test
    void readsTheQuickPathsAnswersAsDataBindingDoes() throws JsonProcessingException {
        readsAlike(FakeMagsServer.job("j1", "completed", 0, null), JobInfo.class);
        readsAlike(FakeMagsServer.job("j1", "error", null, "timed out after 5s \"x\"\n\u00e9"), JobInfo.class);
        readsAlike("{\"request_id\":\"j2\",\"status\":\"running\",\"exit_code\":3,\"workspace_id\":\"w\",\"no_sleep\":true,"
                + "\"startup_command\":\"s\",\"a_newer_field\":{\"x\":[1,2.5,null]}}", JobInfo.class);
        readsAlike("{}", JobInfo.class);
        readsAlike("null", JobInfo.class);
        readsAlike("{\"seq\":12345678901,\"timestamp\":\"2025-01-01T00:00:01.5Z\",\"source\":\"stderr\",\"message\":\"\\ttab\"}",
                LogEntry.class);
        readsAlike("{\"request_id\":\"j1\",\"status\":\"accepted\"}", JobAccepted.class);
        readsAlike("{\"request_id\":\"j1\",\"status\":\"completed\",\"logs\":[{\"seq\":1,\"source\":\"stdout\",\"message\":\"a\"}]}",
                JobLogs.class);
        readsAlike("{\"request_id\":\"j1\",\"status\":\"pending\",\"logs\":[]}", JobLogs.class);
        readsAlike("{\"error\":{\"code\":\"unauthorized\",\"message\":\"invalid API token\"}}", ApiError.class);
        readsAlike("{\"error\":null}", ApiError.class);
    }

    @Test
    void writesAJobRequestAsDataBindingDoes() throws JsonProcessingException {
        JobRequest full = JobRequest.builder("echo \"hi\"\n").name("n").workspaceId("w").baseWorkspaceId("b")
                .persistent(true).noSleep(false).startupCommand("s").environment(Map.of("K", "v"))
                .fileIds(List.of("f1", "f2")).diskGb(4).timeoutSeconds(60).memoryMb(512).cpus(0.5).build();

        for (JobRequest request : List.of(JobRequest.inline("echo hi"), full)) {
            assertThat(new String(lean.write(request), StandardCharsets.UTF_8))
                    .isEqualTo(new String(databind.write(request), StandardCharsets.UTF_8));
        }
    }

    @Test
    void refusesWhatIsNotTheDocumentItReads() {
        for (String bad : List.of("", "{", "{\"seq\":1} trailing", "[1]", "\"text\"", "{\"seq\":\"one\"}",
                "{\"seq\":1.5}", "{\"seq\":1,\"source\":\"stdin\"}", "{\"seq\":1,\"timestamp\":\"yesterday\"}")) {
            assertThatThrownBy(() -> lean.read(bad, LogEntry.class)).as(bad).isInstanceOf(JsonProcessingException.class);
        }
        assertThatThrownBy(() -> lean.read("{\"status\":\"resting\"}", JobInfo.class))
                .isInstanceOf(JsonProcessingException.class).hasMessageContaining("unknown job status 'resting'");
        assertThatThrownBy(() -> lean.read("{\"exit_code\":99999999999}", JobInfo.class))
                .isInstanceOf(JsonProcessingException.class);
    }
}
