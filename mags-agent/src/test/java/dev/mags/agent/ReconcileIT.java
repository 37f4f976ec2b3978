package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.protocol.v1.ReconcileReport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agent that dies with a sandbox running leaves the container, its overlay mount, its cgroups and
 * its directory; the next agent's reconcile must remove them all.
 */
class ReconcileIT {
    private static ItHost host;

    @BeforeAll
    static void setUp() throws Exception {
        host = ItHost.create();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void reconcileRemovesEverythingACrashedAgentLeft() throws Exception {
        String id = ItHost.uniqueId("crash");
        crashAnAgentWithASandboxRunning(id);
        killRuntimeProcessOf(id);

        List<String> leftovers = HostLeaks.scan(host.config);
        assertThat(leftovers).anySatisfy(l -> assertThat(l).startsWith("container " + id + " (running"));
        assertThat(leftovers).anySatisfy(l -> assertThat(l).startsWith("mount overlay mags-" + id));
        assertThat(leftovers).anySatisfy(l -> assertThat(l).startsWith("cgroup directory /sys/fs/cgroup/memory/"));
        assertThat(leftovers).anySatisfy(l -> assertThat(l).startsWith("sandbox directory "));

        ReconcileReport report = host.agent().reconcile(Set.of());

        assertThat(report.problems()).isEmpty();
        assertThat(report.reapedSandboxIds()).containsExactly(id);
        assertThat(HostLeaks.scan(host.config)).isEmpty();
        assertThat(LocalAgentIT.processesWithCommandLine("sleep 1000")).isEmpty();
    }

    @Test
    void reconcileKeepsWhatItIsToldToKeep() throws Exception {
        String id = ItHost.uniqueId("kept");
        crashAnAgentWithASandboxRunning(id);

        ReconcileReport kept = host.agent().reconcile(Set.of(id));
        assertThat(kept.reapedSandboxIds()).isEmpty();
        assertThat(HostLeaks.scan(host.config)).isNotEmpty();

        ReconcileReport reaped = host.agent().reconcile(Set.of());
        assertThat(reaped.reapedSandboxIds()).containsExactly(id);
        assertThat(HostLeaks.scan(host.config)).isEmpty();
    }

    /** Starts a sandbox from another JVM and kills that JVM, so nothing in it can clean up. */
    private static void crashAnAgentWithASandboxRunning(String id) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashingAgentMain.class.getName(), host.config.dataDir().toString(), host.config.imagesDir().toString(),
                host.config.cgroupParent(), id)
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("launched")) {
                System.out.println("crashing agent: " + line);
            }
            assertThat(line).as("the child agent launched its sandbox").isEqualTo("launched");
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The runtime's foreground process outlives the JVM that started it; kill it like a crash would. */
    private static void killRuntimeProcessOf(String id) throws Exception {
        List<Long> pids = LocalAgentIT.processesWithCommandLine(String.join(" ", List.of(
                host.config.runtimeBinary(), "--root", host.config.runtimeRoot().toString(),
                "--log", host.config.sandboxesDir().resolve(id).resolve("runtime.log").toString(), "--log-format", "json",
                "run", "--bundle", host.config.sandboxesDir().resolve(id).resolve("bundle").toString(), id)));
        assertThat(pids).as("the runtime process of " + id).hasSize(1);
        ProcessHandle runtime = ProcessHandle.of(pids.get(0)).orElseThrow();
        runtime.destroyForcibly();
        runtime.onExit().get(30, TimeUnit.SECONDS);
    }
}
