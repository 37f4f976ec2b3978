package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
 * Sleep and wake through {@code bin/mags} against a real magsd with a short {@code --sleep-after}: an idle
 * sandbox made by {@code mags new} sleeps (no process of it left on the host), and the next exec wakes it on the
 * same disk with its startup command running again.
 */
class SleepWakeE2EIT {
    private static final Duration CLI = Duration.ofSeconds(120);
    @TempDir
    Path tmp;

    @Test
    void anIdleSandboxSleepsAndAnExecWakesItWithItsFilesAndStartupCommand() throws Exception {
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox")
                .with("--sleep-after", "2").start()) {
            Map<String, String> env = magsd.cliEnv(Files.createDirectories(tmp.resolve("home")));
            Api api = new Api(magsd.url(), magsd.adminToken());
            assertThat(Proc.run(env, CLI, Repo.mags(), "new", "dev").exitCode()).isZero();
            Proc.Result wrote = Proc.run(env, CLI, Repo.mags(), "exec", "dev", "echo kept > /root/f");
            assertThat(wrote.exitCode()).as(wrote.stderr()).isZero();

            awaitStatus(api, "dev", "sleeping");
            assertThat(processesUnder(magsd.cgroupParent)).as("processes of the sleeping sandbox").isEmpty();
            assertThat(magsd.leaksAfterRelease()).isEmpty();

            Proc.Result woke = Proc.run(env, CLI, Repo.mags(), "exec", "dev", "cat /root/f; ps");

            assertThat(woke.exitCode()).as(woke.stderr()).isZero();
            assertThat(woke.stdout()).startsWith("kept\n").contains("sleep infinity");
            assertThat(api.get("/api/v1/mags-jobs/dev/status").body().path("status").asText()).isEqualTo("running");
            assertThat(processesUnder(magsd.cgroupParent)).isNotEmpty();

            assertThat(Proc.run(env, CLI, Repo.mags(), "stop", "dev").exitCode()).isZero();
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }

    private static void awaitStatus(Api api, String name, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = api.get("/api/v1/mags-jobs/" + name + "/status").body().path("status").asText();
            if (status.equals(wanted)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " is still " + status + ", not " + wanted);
    }

    /**
     * Live host processes in a cgroup under {@code parent}: a sandbox's, as the kernel sees them. Zombies are left
     * out: they have ended, and only wait for the host's init (their parent once runc's has exited) to collect them.
     */
    static List<String> processesUnder(String parent) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    boolean ended = Files.readString(p.resolve("status")).lines()
                            .anyMatch(l -> l.startsWith("State:") && (l.contains("Z") || l.contains("X")));
                    if (!ended && Files.readString(p.resolve("cgroup")).contains("/" + parent + "/")) {
                        found.add(p.getFileName() + " " + Files.readString(p.resolve("cmdline")).replace('\0', ' ')
                                + " [" + Files.readString(p.resolve("stat")).strip() + "]");
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        return found;
    }
}
