package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs that hit a limit end with a message naming it, never a bare 137, and leave nothing behind. */
class LimitsE2EIT {
    @TempDir
    static Path tmp;
    static MagsdFixture magsd;
    static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").with("--pids-limit", "64").start();
        Files.createDirectories(tmp.resolve("home"));
        env = magsd.cliEnv(tmp.resolve("home"));
    }

    @AfterAll
    static void stop() {
        if (magsd != null) {
            magsd.close();
        }
    }

    static Proc.Result mags(String... args) {
        return Proc.run(env, Duration.ofSeconds(120), Repo.mags(), args);
    }

    @Test
    void memoryPastTheLimitEndsTheJobSayingOutOfMemory() {
        Proc.Result r = mags("run", "--memory", "64", "head -c 300m /dev/zero | tail");
        assertThat(r.exitCode()).isEqualTo(137);
        assertThat(r.stderr()).contains("out of memory (limit 64 MiB)");
    }

    @Test
    void aFullDiskGivesENOSPCAndTheJobNamesTheDiskLimit() {
        Proc.Result r = mags("run", "--disk", "1", "dd if=/dev/zero of=/root/big bs=1M count=1200");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("No space left on device").contains("disk full (limit 1 GB)");
    }

    @Test
    void aBoundedForkLoopStopsAtThePidsLimit() {
        Proc.Result r = mags("run", "for i in $(seq 1 500); do sleep 30 & done; wait");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("process limit reached (limit 64)");
    }

    @Test
    void askingForMoreThanTheOperatorAllowsIsRefusedUpFront() {
        Proc.Result r = mags("run", "--memory", "999999", "echo never");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).contains("memory_mb").contains("8192");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void nothingIsLeftAfterLimitKills() {
        mags("run", "--memory", "64", "head -c 300m /dev/zero | tail");
        mags("run", "--disk", "1", "dd if=/dev/zero of=/root/big bs=1M count=1200");
        assertThat(magsd.leaksAfterRelease()).isEmpty();
    }
}
