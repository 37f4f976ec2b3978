package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.protocol.v2.ReconcileReport;
import dev.mags.protocol.v2.SandboxId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agent that dies with a sandbox running and one in its warm pool leaves both containers, their
 * overlay mounts, disks and loop devices, cgroups and directories; the next agent's reconcile must
 * remove them all.
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
        killRuntimeProcesses();

        List<String> leftovers = HostLeaks.scan(host.config);
        String job = containerOf(id);
        assertThat(job).as("the job ran on a pool member").startsWith("warm-");
        assertThat(leftovers).anySatisfy(l -> assertThat(l).startsWith("container " + job + " (running")
                .endsWith("(sandbox " + id + ")"));
        assertThat(leftovers).filteredOn(l -> l.startsWith("container warm-")).as("the job's and the idle pool member").hasSize(2);
        assertThat(leftovers).anySatisfy(l -> assertThat(l).startsWith("mount overlay mags on ").endsWith(job + "/rootfs"));
        assertThat(leftovers).anySatisfy(l -> assertThat(l).startsWith("mount tmpfs ").endsWith(job + "/binds"));
        assertThat(leftovers).anySatisfy(l -> assertThat(l).startsWith("mount ext4 /dev/loop"));
        assertThat(leftovers).anySatisfy(l -> assertThat(l).startsWith("loop device /dev/loop")
                .endsWith("sandbox-disks/" + job + ".img"));
        assertThat(leftovers).anySatisfy(l -> assertThat(l).startsWith("sandbox disk image ")
                .contains(job + ".img").endsWith("(sandbox " + id + ")"));
        assertThat(leftovers).anySatisfy(l -> assertThat(l).startsWith("cgroup directory /sys/fs/cgroup/memory/"));
        assertThat(leftovers).anySatisfy(l -> assertThat(l).startsWith("sandbox directory "));

        ReconcileReport report = host.agent().reconcile(Set.of());

        assertThat(report.problems()).isEmpty();
        assertThat(report.reaped()).hasSize(2).contains(SandboxId.of(id))
                .anySatisfy(reaped -> assertThat(reaped.value()).startsWith("warm-"));
        assertThat(HostLeaks.scan(host.config)).isEmpty();
        assertThat(LocalAgentIT.processesWithCommandLine("sleep 1000")).isEmpty();
    }

    @Test
    void reconcileKeepsWhatItIsToldToKeep() throws Exception {
        String id = ItHost.uniqueId("kept");
        crashAnAgentWithASandboxRunning(id);
        String job = containerOf(id);

        ReconcileReport kept = host.agent().reconcile(Set.of(SandboxId.of(id)));
        assertThat(kept.reaped()).as("only the idle pool member").singleElement()
                .satisfies(reaped -> assertThat(reaped.value()).startsWith("warm-").isNotEqualTo(job));
        assertThat(HostLeaks.scan(host.config)).anySatisfy(l -> assertThat(l).startsWith("container " + job));

        ReconcileReport reaped = host.agent().reconcile(Set.of());
        assertThat(reaped.reaped()).containsExactly(SandboxId.of(id));
        assertThat(HostLeaks.scan(host.config)).isEmpty();
        killRuntimeProcesses(); // the crashed agent's runc exec, which reaping its container ended
    }

    /** The container the job {@code id} runs in: the sandbox directory labelled with it. */
    private static String containerOf(String id) throws Exception {
        try (Stream<Path> dirs = Files.list(host.config.sandboxesDir())) {
            for (Path dir : dirs.toList()) {
                Path label = dir.resolve("sandbox-id");
                if (Files.exists(label) && Files.readString(label).strip().equals(id)) {
                    return dir.getFileName().toString();
                }
            }
        }
        throw new AssertionError("no sandbox directory is labelled " + id);
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

    /** The runtime's foreground processes (runc exec) outlive the JVM that started them; kill them like a crash would. */
    private static void killRuntimeProcesses() throws Exception {
        String prefix = host.config.runtimeBinary() + " --root " + host.config.runtimeRoot() + " ";
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                if (LocalAgentIT.commandLineOf(proc).startsWith(prefix)) {
                    ProcessHandle.of(Long.parseLong(proc.getFileName().toString())).ifPresent(p -> {
                        p.destroyForcibly();
                        p.onExit().join();
                    });
                }
            }
        }
    }
}
