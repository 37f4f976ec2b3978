package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission through a real bin/magsd and bin/mags: a user at the live-sandbox limit with kept -p
 * sandboxes (background processes running in them) is refused at once and can start again after
 * `mags stop`, while another user is not affected; and on a data dir of limited size, sandbox disks are
 * not promised beyond its free space above the reserve.
 */
class AdmissionE2EIT {
    @TempDir
    Path tmp;

    private static Proc.Result mags(Map<String, String> env, String... args) {
        return Proc.run(env, Duration.ofMinutes(3), Repo.mags(), args);
    }

    private static Proc.Result ok(Map<String, String> env, String... args) {
        Proc.Result r = mags(env, args);
        assertThat(r.exitCode()).as("mags %s\nstdout: %s\nstderr: %s", String.join(" ", args), r.stdout(), r.stderr())
                .isZero();
        return r;
    }

    private static Map<String, String> user(MagsdFixture magsd, Map<String, String> base, String name) {
        Proc.Result created = Proc.run(Map.of(), Duration.ofSeconds(60), Repo.magsd(), "token", "create",
                "--user", name, "--data-dir", magsd.dataDir.toString());
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        Map<String, String> env = new HashMap<>(base);
        env.put("MAGS_API_TOKEN", created.stdout().strip());
        return env;
    }

    @Test
    void aUserAtTheLimitWithKeptSandboxesIsRefusedUntilOneIsStopped() throws Exception {
        Files.createDirectories(tmp.resolve("home"));
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox")
                .with("--max-sandboxes-per-user", "2").start()) {
            Map<String, String> base = magsd.cliEnv(tmp.resolve("home"));
            Map<String, String> carol = user(magsd, base, "carol");
            Map<String, String> dave = user(magsd, base, "dave");
            ok(carol, "run", "-w", "web", "-p", "sleep 600 >/dev/null 2>&1 &");
            ok(carol, "run", "-w", "db", "-p", "sleep 600 >/dev/null 2>&1 &");

            Proc.Result refused = mags(carol, "run", "echo never");
            assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(125);
            assertThat(refused.stdout()).doesNotContain("never");
            assertThat(refused.stderr()).startsWith("mags: you have 2 sandboxes").contains("--max-sandboxes-per-user 2")
                    .contains("2 kept alive after their script (-p: db, web)").contains("mags stop db");
            assertThat(mags(carol, "run", "-w", "third", "-p", "echo never").exitCode()).isNotZero();

            // Her kept sandboxes still take jobs, and another user is not affected.
            assertThat(ok(carol, "run", "-w", "web", "-p", "ps | grep -q '[s]leep 600' && echo still").stdout())
                    .isEqualTo("still\n");
            assertThat(ok(dave, "run", "echo dave").stdout()).isEqualTo("dave\n");

            ok(carol, "stop", "web");
            assertThat(ok(carol, "run", "echo again").stdout()).isEqualTo("again\n");
            ok(carol, "stop", "db");
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }

    @Test
    void sandboxDisksAreNotPromisedBeyondASmallDataDirsFreeSpace() throws Exception {
        Files.createDirectories(tmp.resolve("home"));
        Path data = Files.createDirectories(tmp.resolve("data"));
        run("mount", "-t", "tmpfs", "-o", "size=4g,mode=0711", "tmpfs", data.toString());
        try {
            try (MagsdFixture magsd = new MagsdFixture(data, TestImages.busybox(), "busybox")
                    .with("--disk-reserve-gb", "1").start()) {
                Map<String, String> env = magsd.cliEnv(tmp.resolve("home"));
                Proc.Result big = mags(env, "run", "--disk", "5", "echo never");
                assertThat(big.exitCode()).as(big.stderr()).isEqualTo(125);
                assertThat(big.stderr()).contains("not enough disk space").contains("5 GiB sandbox disk")
                        .contains("--disk-reserve-gb");

                // A kept sandbox's 2 GiB disk is promised while it lives: another 2 GiB does not fit beside it.
                ok(env, "run", "-w", "kept", "-p", "--disk", "2", "sleep 600 >/dev/null 2>&1 &");
                Proc.Result second = mags(env, "run", "--disk", "2", "echo never");
                assertThat(second.exitCode()).as(second.stderr()).isNotZero();
                assertThat(second.stderr()).contains("not enough disk space")
                        .containsPattern("may still take (1\\.9\\d|2) GiB");
                ok(env, "stop", "kept");
                assertThat(ok(env, "run", "--disk", "2", "echo fits").stdout()).isEqualTo("fits\n");
                assertThat(magsd.leaksAfterRelease()).isEmpty();
            }
        } finally {
            run("umount", data.toString());
        }
    }

    private static void run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", argv) + ": " + out).isZero();
    }
}
