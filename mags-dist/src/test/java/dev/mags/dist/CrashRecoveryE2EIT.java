package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.agent.AgentConfig;
import dev.mags.agent.HostLeaks;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of magsd during running jobs: the next start leaves nothing behind and says what happened. */
class CrashRecoveryE2EIT {
    @TempDir
    Path tmp;

    @Test
    void aCrashDuringRunningJobsLeavesNoOrphansAndEachJobEndsWithAReason() throws Exception {
        Path data = tmp.resolve("data");
        AgentConfig agent = new MagsdFixture(data, TestImages.busybox(), "busybox").agentConfig();
        String first;
        String second;
        try (MagsdFixture magsd = new MagsdFixture(data, TestImages.busybox(), "busybox").start()) {
            Api api = new Api(magsd.url(), magsd.adminToken());
            first = api.submit("echo started; sleep 300");
            second = api.submit("sleep 300 & sleep 300");
            for (String id : new String[] {first, second}) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!api.get("/api/v1/mags-jobs/" + id + "/status").body().get("status").asText().equals("running")) {
                    assertThat(System.nanoTime()).as("job running in time").isLessThan(deadline);
                    Thread.sleep(50);
                }
            }
            magsd.crash();
            assertThat(HostLeaks.scan(agent)).as("a crash leaves the sandboxes behind").isNotEmpty();
        }
        try (MagsdFixture again = new MagsdFixture(data, TestImages.busybox(), "busybox").start()) {
            assertThat(HostLeaks.scan(agent)).as("leftovers after restart").isEmpty();
            Api api = new Api(again.url(), again.adminToken());
            for (String id : new String[] {first, second}) {
                JsonNode s = api.get("/api/v1/mags-jobs/" + id + "/status").body();
                assertThat(s.get("status").asText()).isEqualTo("error");
                assertThat(s.get("error_message").asText()).contains("magsd stopped while the job was running");
                assertThat(s.get("finished_at").isNull()).isFalse();
            }
            // The server works normally after the recovery.
            String after = api.submit("echo alive");
            assertThat(api.awaitFinal(after, Duration.ofSeconds(30)).get("status").asText()).isEqualTo("completed");
        }
        assertThat(HostLeaks.scan(agent)).isEmpty();
    }

    @Test
    void aGracefulStopEndsRunningJobsSayingSo() throws Exception {
        Path data = tmp.resolve("data2");
        String id;
        try (MagsdFixture magsd = new MagsdFixture(data, TestImages.busybox(), "busybox").start()) {
            Api api = new Api(magsd.url(), magsd.adminToken());
            id = api.submit("sleep 300");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!api.get("/api/v1/mags-jobs/" + id + "/status").body().get("status").asText().equals("running")) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        assertThat(HostLeaks.scan(new MagsdFixture(data, TestImages.busybox(), "busybox").agentConfig())).isEmpty();
        try (MagsdFixture again = new MagsdFixture(data, TestImages.busybox(), "busybox").start()) {
            JsonNode s = new Api(again.url(), again.adminToken()).get("/api/v1/mags-jobs/" + id + "/status").body();
            assertThat(s.get("status").asText()).isEqualTo("error");
            assertThat(s.get("error_message").asText()).isEqualTo("magsd shut down while the job was running");
        }
    }
}
