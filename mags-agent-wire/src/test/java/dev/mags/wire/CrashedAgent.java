package dev.mags.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.CrashingAgentMain;
import dev.mags.agent.ItHost;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Leftovers for a reconcile to find: an agent in another JVM on the same host starts a sandbox (on a warm pool
 * member, with one more pooled) and is killed, so nothing of it cleans up, as after a crash.
 */
final class CrashedAgent {
    private CrashedAgent() {}

    /** Returns the container the sandbox runs in (a pool member's, named by the crashed agent). */
    static String leaveSandboxRunning(ItHost host, String sandboxId) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), CrashingAgentMain.class.getName(),
                host.config.dataDir().toString(), host.config.imagesDir().toString(), host.config.cgroupParent(), sandboxId)
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("launched")) {
                System.out.println("crashing agent: " + line);
            }
            assertThat(line).as("the other agent launched its sandbox").isEqualTo("launched");
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        return containerOf(host, sandboxId);
    }

    /**
     * The runtime's foreground process of the crashed agent's exec ({@code runc exec} into the sandbox's container)
     * outlives the JVM that started it, as it would a crash; reaping the container ended its process, not it.
     */
    static void killItsRuntimeProcesses(ItHost host, String container) throws Exception {
        String prefix = host.config.runtimeBinary() + " --root " + host.config.runtimeRoot() + " ";
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String cmdline = commandLineOf(proc);
                if (cmdline.startsWith(prefix) && cmdline.contains(" " + container)) {
                    ProcessHandle.of(Long.parseLong(proc.getFileName().toString())).ifPresent(p -> {
                        p.destroyForcibly();
                        p.onExit().join();
                    });
                }
            }
        }
    }

    /** The container of sandbox {@code sandboxId}: the sandbox directory labelled with it. */
    private static String containerOf(ItHost host, String sandboxId) throws Exception {
        try (Stream<Path> dirs = Files.list(host.config.sandboxesDir())) {
            for (Path dir : dirs.toList()) {
                Path label = dir.resolve("sandbox-id");
                if (Files.exists(label) && Files.readString(label).strip().equals(sandboxId)) {
                    return dir.getFileName().toString();
                }
            }
        }
        throw new AssertionError("no sandbox directory is labelled " + sandboxId);
    }

    private static String commandLineOf(Path proc) {
        try {
            return new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (java.io.IOException e) {
            return ""; // the process ended while we looked
        }
    }
}
