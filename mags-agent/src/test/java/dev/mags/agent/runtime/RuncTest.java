package dev.mags.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuncTest {
    private final FakeProcessLauncher launcher = new FakeProcessLauncher();
    private final Runc runc = new Runc(new CommandRunner(launcher), "runc", Path.of("/data/runtime"));

    @Test
    void runsInTheForegroundWithItsOwnRootAndAJsonLog() {
        assertThat(runc.runArgv(Path.of("/data/sandboxes/s1/bundle"), "s1", Path.of("/data/sandboxes/s1/runtime.log")))
                .containsExactly("runc", "--root", "/data/runtime", "--log", "/data/sandboxes/s1/runtime.log",
                        "--log-format", "json", "run", "--bundle", "/data/sandboxes/s1/bundle", "s1");
    }

    @Test
    void killAndDeleteUseTheRoot() {
        runc.kill("s1", "TERM");
        runc.deleteForce("s1");

        assertThat(launcher.started()).containsExactly(
                List.of("runc", "--root", "/data/runtime", "kill", "s1", "TERM"),
                List.of("runc", "--root", "/data/runtime", "delete", "--force", "s1"));
    }

    @Test
    void listParsesJsonAndTreatsNullAsEmpty() {
        launcher.respond(argv -> FakeProcess.succeeds("null\n"));
        assertThat(runc.list()).isEmpty();

        launcher.respond(argv -> FakeProcess.succeeds("""
                [{"ociVersion":"1.0.2-dev","id":"s1","pid":9091,"status":"running","bundle":"/b",\
                "rootfs":"/r","created":"2026-11-23T06:54:40Z","owner":"root"}]
                """));
        assertThat(runc.list()).containsExactly(new ContainerState("s1", 9091, "running", "/b"));
        assertThat(launcher.last()).containsExactly("runc", "--root", "/data/runtime", "list", "--format", "json");
    }

    @Test
    void stateOfAnUnknownContainerIsEmpty() {
        launcher.respond(argv -> argv.contains("state")
                ? FakeProcess.exits(1, "", "container does not exist")
                : FakeProcess.succeeds("null"));

        assertThat(runc.state("gone")).isEmpty();
    }

    @Test
    void failuresCarryTheRuntimesStderr() {
        launcher.respond(argv -> FakeProcess.exits(1, "", "container \"s1\" does not exist"));

        assertThatThrownBy(() -> runc.kill("s1", "KILL"))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("runc --root /data/runtime kill s1 KILL")
                .hasMessageContaining("does not exist");
    }

    @Test
    void theCommandRunsOnceRuncsInitHasExecedIt(@TempDir Path dir) throws Exception {
        Path proc = Files.createDirectories(dir.resolve("proc/4242"));
        Path root = Files.createDirectories(dir.resolve("root"));
        Runc local = new Runc(new CommandRunner(launcher), "runc", root, dir.resolve("proc"));

        assertThat(local.hasStarted("s1")).as("no state yet").isFalse();

        Files.createDirectories(root.resolve("s1"));
        Files.writeString(root.resolve("s1/state.json"), "{\"id\":\"s1\",\"init_process_pid\":4242}");
        Files.writeString(proc.resolve("comm"), "runc:[2:INIT]\n");
        assertThat(local.hasStarted("s1")).as("created, command not yet executed").isFalse();

        Files.writeString(proc.resolve("comm"), "python3\n");
        assertThat(local.hasStarted("s1")).as("command executing").isTrue();
        assertThat(local.hasState("s1")).isTrue();
        assertThat(local.hasState("s2")).isFalse();
    }
}
