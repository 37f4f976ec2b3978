package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 mixed jobs — succeeding, failing, writing files, leaving background processes, killed at the
 * memory limit, stopped at the process limit, timed out, stopped — leave no container, mount, loop
 * device, network helper, cgroup directory or sandbox dir behind.
 */
class ManyJobsE2EIT {
    @TempDir
    Path tmp;

    private record Kind(String script, Map<String, Object> extra, String status, String message) {}

    private static final List<Kind> KINDS = List.of(
            new Kind("echo ok", Map.of(), "completed", null),
            new Kind("echo failing >&2; exit 7", Map.of(), "error", "script exited with code 7"),
            new Kind("dd if=/dev/zero of=/root/f bs=1k count=64 2>/dev/null; ls -l /root/f", Map.of(), "completed", null),
            new Kind("sleep 30 & echo bg", Map.of(), "completed", null),
            new Kind("head -c 100m /dev/zero | tail", Map.of("memory_mb", 32), "error", "out of memory (limit 32 MiB)"),
            new Kind("for i in $(seq 1 200); do sleep 30 & done; wait", Map.of(), "error", "process limit reached (limit 64)"),
            new Kind("sleep 30", Map.of("timeout_seconds", 1), "error", "timed out after 1 s"),
            new Kind("sleep 30", Map.of("name", "to-stop"), "error", "stopped by request"));

    @Test
    void twoHundredMixedJobsLeaveNothingBehind() throws Exception {
        Path data = tmp.resolve("data");
        // 200 jobs queued at once by one user, beyond any per-user limit; their disks are written little.
        try (MagsdFixture magsd = new MagsdFixture(data, TestImages.busybox(), "busybox").with("--pids-limit", "64")
                .with("--max-sandboxes-per-user", "0", "--max-memory-per-user-mb", "0", "--max-cpus-per-user", "0",
                        "--disk-overcommit", "100")
                .start()) {
            Api api = new Api(magsd.url(), magsd.adminToken());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Kind kind = KINDS.get(i % KINDS.size());
                Map<String, Object> body = new java.util.HashMap<>(kind.extra());
                body.put("script", kind.script());
                Api.Response r = api.post("/api/v1/mags-jobs", Api.JSON.writeValueAsString(body));
                assertThat(r.status()).as(r.body().toString()).isEqualTo(202);
                ids.add(r.body().get("request_id").asText());
            }
            for (int i = 0; i < ids.size(); i++) {
                if (KINDS.get(i % KINDS.size()).extra().containsKey("name")) {
                    awaitRunning(api, ids.get(i));
                    api.post("/api/v1/mags-jobs/" + ids.get(i) + "/stop", "{}");
                }
            }
            for (int i = 0; i < ids.size(); i++) {
                Kind kind = KINDS.get(i % KINDS.size());
                JsonNode s = api.awaitFinal(ids.get(i), Duration.ofSeconds(180));
                assertThat(s.get("status").asText()).as("job %d (%s)", i, kind.script()).isEqualTo(kind.status());
                if (kind.message() != null) {
                    assertThat(s.get("error_message").asText()).as("job %d", i).isEqualTo(kind.message());
                }
            }
            assertThat(magsd.leaksAfterRelease()).isEmpty();
            try (Stream<Path> left = Files.list(data.resolve("sandboxes"))) {
                assertThat(left).isEmpty();
            }
        }
    }

    private static void awaitRunning(Api api, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!api.get("/api/v1/mags-jobs/" + id + "/status").body().get("status").asText().equals("running")) {
            assertThat(System.nanoTime()).as("job %s running in time", id).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
