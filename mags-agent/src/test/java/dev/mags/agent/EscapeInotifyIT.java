package dev.mags.agent;

import static dev.mags.agent.EscapeImageRecipe.PROBE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mags.agent.SecuritySandboxes.Started;
import dev.mags.agent.security.InotifyLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attempts to take the inotify instances and watches of other sandboxes and of the host. The kernel counts
 * them per user at every level of user namespaces; all sandboxes are created by host root, so without limits
 * of their own one sandbox could take host root's whole share and leave every other sandbox, and root's own
 * processes, unable to call {@code inotify_init}. The flood switches to a new uid for each child process, so
 * a limit per user inside the sandbox would not stop it. Small limits keep the flood short; the bound is the
 * same whatever its size. Real runc, escape-probe (skipped without gcc).
 */
class EscapeInotifyIT {
    private static final InotifyLimits LIMITS = new InotifyLimits(32, 512);
    /** More files to watch than the limit, so that only the limit can stop the flood. */
    private static final long FILES = 2 * LIMITS.watches();
    private static final Pattern HELD = Pattern.compile("inotify: ([0-9]+) (instances|watches), held by ([0-9]+) of"
            + " ([0-9]+) users, stopped by (.*)");
    private static SecuritySandboxes sandboxes;

    @BeforeAll
    static void setUp() throws IOException {
        sandboxes = SecuritySandboxes.create(config -> config.withInotify(LIMITS));
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (sandboxes != null) {
            sandboxes.close();
        }
    }

    @AfterEach
    void nothingLeftBehind() {
        assertThat(HostLeaks.scan(sandboxes.host.config)).isEmpty();
    }

    @Test
    void aSandboxTakesItsOwnInstancesWhateverItsUsersAndOthersKeepTheirs() throws Exception {
        assumeTrue(sandboxes.hasProbe, "escape-probe needs gcc to be built");
        // it cannot raise its own limit: /proc/sys is read-only, and the limit that bounds it is one level up
        Started a = sandboxes.start("echo 100000 > /proc/sys/user/max_inotify_instances || echo refused;"
                + PROBE + " hold_inotify_instances");
        List<Started> held = new ArrayList<>(List.of(a));
        try {
            assertThat(a.output().stdout()).contains("refused");
            Matcher flood = held(a);
            assertThat(flood.group(1)).as("instances of sandbox A, all its users together").isEqualTo("32");
            assertThat(flood.group(4)).as("users tried: a second got nothing").isEqualTo("2");
            assertThat(flood.group(5)).isEqualTo("EMFILE");

            Started b = sandboxes.start(PROBE + " hold_inotify_instances");
            held.add(b);
            assertThat(held(b).group(1)).as("sandbox B gets its own, while A holds all of its").isEqualTo("32");
            assertThat(onTheHost("root")).containsExactly("inotify_init: OK", "inotify_add_watch: OK");
            assertThat(onTheHost("nobody")).containsExactly("inotify_init: OK", "inotify_add_watch: OK");
        } finally {
            for (Started s : held) {
                SecuritySandboxes.stop(s);
            }
        }
    }

    @Test
    void aSandboxTakesItsOwnWatchesWhateverItsUsersAndOthersKeepTheirs() throws Exception {
        assumeTrue(sandboxes.hasProbe, "escape-probe needs gcc to be built");
        Started a = sandboxes.start(PROBE + " hold_inotify_watches " + FILES);
        List<Started> held = new ArrayList<>(List.of(a));
        try {
            Matcher flood = held(a);
            assertThat(flood.group(1)).as("watches of sandbox A, all its users together").isEqualTo("512");
            assertThat(flood.group(4)).as("users tried: a second got nothing").isEqualTo("2");
            assertThat(flood.group(5)).isEqualTo("ENOSPC");

            Started b = sandboxes.start(PROBE + " hold_inotify_watches " + FILES);
            held.add(b);
            assertThat(held(b).group(1)).as("sandbox B gets its own, while A holds all of its").isEqualTo("512");
            assertThat(onTheHost("root")).containsExactly("inotify_init: OK", "inotify_add_watch: OK");
            assertThat(onTheHost("nobody")).containsExactly("inotify_init: OK", "inotify_add_watch: OK");
        } finally {
            for (Started s : held) {
                SecuritySandboxes.stop(s);
            }
        }
    }

    private static Matcher held(Started flood) {
        return flood.output().stdout().stream().map(HELD::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("the probe reported nothing: " + flood.output().lines()));
    }

    /** The probe's inotify attempts run by a host process as {@code user} (a copy every host user can run). */
    private static List<String> onTheHost(String user) throws Exception {
        Path probe = Files.createTempFile(Path.of("/tmp"), "escape-probe-", "");
        try {
            Files.copy(sandboxes.imageRootfs().resolve(PROBE.substring(1)), probe,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setAttribute(probe, "unix:mode", 0755);
            List<String> argv = new ArrayList<>(user.equals("root") ? List.of()
                    : List.of("setpriv", "--reuid=" + user, "--regid=nogroup", "--clear-groups"));
            argv.addAll(List.of(probe.toString(), "inotify_init", "inotify_add_watch"));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return new String(p.getInputStream().readAllBytes()).lines().toList();
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
