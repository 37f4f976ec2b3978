package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.HostLeaks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the warm pool on, jobs run in pre-made sandboxes, each used once, and a stop leaves nothing. */
class WarmPoolE2EIT {
    @TempDir
    Path tmp;

    @Test
    void jobsRunFromTheWarmPoolAndNoSandboxServesTwice() throws Exception {
        Path data = tmp.resolve("data");
        try (MagsdFixture magsd = new MagsdFixture(data, TestImages.busybox(), "busybox").withWarmPool(2).start()) {
            Api api = new Api(magsd.url(), magsd.adminToken());
            // Wait for the pool to fill: two sandbox dirs of pool members.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (poolMembers(data).size() < 2) {
                assertThat(System.nanoTime()).as("pool filled in time").isLessThan(deadline);
                Thread.sleep(100);
            }
            Thread.sleep(1000); // let the members finish starting
            String first = api.submit("sleep 2; echo warm > /root/marker; cat /root/marker");
            // The job runs in a pool member: its directory is labelled with the job's id.
            String holder = null;
            while (holder == null && System.nanoTime() < deadline) {
                holder = labelled(data, first);
                Thread.sleep(50);
            }
            assertThat(holder).as("a warm sandbox labelled with job " + first).startsWith("warm-");
            assertThat(api.awaitFinal(first, Duration.ofSeconds(30)).get("status").asText()).isEqualTo("completed");
            assertThat(api.get("/api/v1/mags-jobs/" + first + "/logs").body().toString()).contains("warm");
            // The next job never sees the first one's files: its sandbox was never used before.
            String second = api.submit("test ! -e /root/marker && echo fresh");
            assertThat(api.awaitFinal(second, Duration.ofSeconds(30)).get("status").asText()).isEqualTo("completed");
            assertThat(api.get("/api/v1/mags-jobs/" + second + "/logs").body().toString()).contains("fresh");
            // The pool fills up again with sandboxes no job has used.
            long refill = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (poolMembers(data).size() < 2) {
                assertThat(System.nanoTime()).as("pool refilled in time").isLessThan(refill);
                Thread.sleep(100);
            }
        }
        assertThat(HostLeaks.scan(new MagsdFixture(data, TestImages.busybox(), "busybox").agentConfig())).isEmpty();
    }

    /** The pool member directory labelled with {@code jobId}, if any. */
    private static String labelled(Path data, String jobId) throws Exception {
        try (var dirs = Files.list(data.resolve("sandboxes"))) {
            for (Path dir : dirs.toList()) {
                Path label = dir.resolve("sandbox-id");
                if (Files.exists(label) && Files.readString(label).strip().equals(jobId)) {
                    return dir.getFileName().toString();
                }
            }
        } catch (java.io.IOException racing) {
            // a directory went away while we looked
        }
        return null;
    }

    private static List<String> poolMembers(Path data) throws Exception {
        Path sandboxes = data.resolve("sandboxes");
        if (!Files.isDirectory(sandboxes)) {
            return List.of();
        }
        try (var dirs = Files.list(sandboxes)) {
            return dirs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("warm-"))
                    .filter(n -> !Files.exists(sandboxes.resolve(n).resolve("sandbox-id"))).sorted().toList();
        }
    }
}
