package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leak check: 200 mixed cycles of what long-lived sandboxes go through — new, exec, ssh (OpenSSH), sleep,
 * wake, stop — over four names, through {@code bin/mags} and the REST API alike, against a magsd with
 * {@code --sleep-after 1} whose parent never reaps what is left to it (as pid 1 of many containers). Every exec and
 * ssh command appends a line to a file in its sandbox and counts the lines: the workspace keeps them through sleep,
 * wake, stop and a new sandbox. Afterwards, with the server stopped, nothing of it is left on the host: no
 * container, mount, loop device, cgroup, namespace, network helper, sandbox process or zombie.
 */
class LongLivedLeaksE2EIT {
    private static final int CYCLES = 200;
    private static final List<String> NAMES = List.of("ll-a", "ll-b", "ll-c", "ll-d");
    @TempDir
    Path tmp;

    @Test
    void twoHundredMixedCyclesLeaveNothingOnTheHost() throws Exception {
        Set<String> sandboxIds = new TreeSet<>();
        List<String> log = new ArrayList<>();
        MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox")
                .with("--sleep-after", "1");
        try (NonReapingParent parent = NonReapingParent.become()) {
            try (magsd) {
                magsd.start();
                SandboxCycles cycles = new SandboxCycles(magsd, Files.createDirectories(tmp.resolve("home")), sandboxIds);
                Random random = new Random(15);
                for (int i = 0; i < CYCLES; i++) {
                    String name = NAMES.get(random.nextInt(NAMES.size()));
                    log.add(cycles.step(i, name, random));
                }
                for (String name : NAMES) {
                    cycles.stopIfLive(name);
                }
                assertThat(log).as("every kind of cycle ran").anyMatch(s -> s.contains(" new "))
                        .anyMatch(s -> s.contains(" exec ")).anyMatch(s -> s.contains(" ssh "))
                        .anyMatch(s -> s.contains(" sleep ")).anyMatch(s -> s.contains(" wake "))
                        .anyMatch(s -> s.contains(" stop ")).anyMatch(s -> s.contains(" rest "))
                        .anyMatch(s -> s.contains(" cli "));

                assertThat(magsd.leaksAfterRelease()).as("left by the running server").isEmpty();
                assertThat(awaitNoZombies(magsd.pid())).as("ended processes magsd never reaped").isEmpty();
            }
            assertThat(HostLeftovers.of(magsd, sandboxIds)).as("left on the host after magsd stopped").isEmpty();
            assertThat(parent.zombieChildren()).as("processes magsd left to its parent, ended and never reaped")
                    .isEmpty();
        }
    }

    /** The zombies among {@code pid}'s children, once those that are being reaped had their time. */
    private static List<String> awaitNoZombies(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        List<String> zombies = NonReapingParent.zombieChildrenOf(pid);
        while (!zombies.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            zombies = NonReapingParent.zombieChildrenOf(pid);
        }
        return zombies;
    }
}
