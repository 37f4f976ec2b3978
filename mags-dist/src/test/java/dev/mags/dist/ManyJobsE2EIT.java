package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.HostLeaks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 200 jobs in a row leave no container, mount, cgroup directory or sandbox dir behind. */
class ManyJobsE2EIT {
    @TempDir
    Path tmp;

    @Test
    void twoHundredJobsLeaveNothingBehind() throws Exception {
        Path data = tmp.resolve("data");
        try (MagsdFixture magsd = new MagsdFixture(data, TestImages.busybox(), "busybox").start()) {
            Api api = new Api(magsd.url(), magsd.adminToken());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                // A mix: succeeding, failing, writing files, leaving a background process.
                String script = switch (i % 4) {
                    case 0 -> "echo job " + i;
                    case 1 -> "echo failing >&2; exit 7";
                    case 2 -> "dd if=/dev/zero of=/root/f bs=1k count=64 2>/dev/null; ls -l /root/f";
                    default -> "sleep 30 & echo bg";
                };
                ids.add(api.submit(script));
            }
            for (int i = 0; i < ids.size(); i++) {
                String status = api.awaitFinal(ids.get(i), Duration.ofSeconds(120)).get("status").asText();
                assertThat(status).as("job %d", i).isEqualTo(i % 4 == 1 ? "error" : "completed");
            }
            assertThat(HostLeaks.scan(magsd.agentConfig())).isEmpty();
            try (Stream<Path> left = Files.list(data.resolve("sandboxes"))) {
                assertThat(left).isEmpty();
            }
        }
    }
}
