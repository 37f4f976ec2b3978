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
    void runsDetachedWithItsOwnRootAndAJsonLogWritingToAFile() {
        Path out = Path.of("/data/sandboxes/s1/create.out");
        runc.run(Path.of("/data/sandboxes/s1/bundle"), "s1", Path.of("/data/sandboxes/s1/runtime.log"), out);

        assertThat(launcher.started()).containsExactly(
                List.of("runc", "--root", "/data/runtime", "--log", "/data/sandboxes/s1/runtime.log",
                        "--log-format", "json", "run", "--detach", "--bundle", "/data/sandboxes/s1/bundle", "s1"));
    }

    @Test
    void execsAProcessFileDetachedAndWritesThePid() {
        assertThat(runc.execArgv("warm-1", Path.of("/s/exec-1.json"), Path.of("/s/exec-1.pid"), Path.of("/s/exec-1.log"),
                null, 1))
                .containsExactly("runc", "--root", "/data/runtime", "--log", "/s/exec-1.log", "--log-format", "json",
                        "exec", "--detach", "--process", "/s/exec-1.json", "--pid-file", "/s/exec-1.pid",
                        "--preserve-fds", "1", "warm-1");
    }

    @Test
    void aTerminalComesThroughTheConsoleSocket() {
        assertThat(runc.execArgv("s1", Path.of("/s/exec-2.json"), Path.of("/s/exec-2.pid"), Path.of("/s/exec-2.log"),
                Path.of("/s/exec-2.sock"), 1))
                .containsSubsequence("exec", "--detach", "--console-socket", "/s/exec-2.sock", "--preserve-fds", "1", "s1");
    }

    @Test
    void killAndDeleteUseTheRoot() {
        runc.kill("s1", "TERM");
        runc.delete("s1");
        runc.deleteForce("s1");

        assertThat(launcher.started()).containsExactly(
                List.of("runc", "--root", "/data/runtime", "kill", "s1", "TERM"),
                List.of("runc", "--root", "/data/runtime", "delete", "s1"),
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
        Runc local = new Runc(new CommandRunner(launcher), "runc", dir.resolve("root"), dir.resolve("proc"));
        Path pidFile = dir.resolve("exec.pid");

        assertThat(local.hasExecStarted(pidFile)).as("no pid file yet").isFalse();

        Files.writeString(pidFile, "4242");
        Files.writeString(proc.resolve("stat"), "4242 (runc:[2:INIT]) S 1 4242 4242 0 -1 4194560 " + "0 ".repeat(12) + "777 0");
        assertThat(local.hasExecStarted(pidFile)).as("runc's init, command not yet executed").isFalse();

        Files.writeString(proc.resolve("stat"), "4242 (python3) R 1 4242 4242 0 -1 4194560 " + "0 ".repeat(12) + "777 0");
        assertThat(local.hasExecStarted(pidFile)).as("command executing").isTrue();

        Files.delete(proc.resolve("stat"));
        assertThat(local.hasExecStarted(pidFile)).as("command done already").isTrue();
    }

    @Test
    void theInitIsAliveUntilItIsAZombieOrItsPidIsReused(@TempDir Path dir) throws Exception {
        Path proc = Files.createDirectories(dir.resolve("proc/4242"));
        Path root = Files.createDirectories(dir.resolve("root"));
        Runc local = new Runc(new CommandRunner(launcher), "runc", root, dir.resolve("proc"));

        assertThat(local.isInitAlive("s1")).as("no state").isFalse();

        Files.createDirectories(root.resolve("s1"));
        Files.writeString(root.resolve("s1/state.json"), "{\"id\":\"s1\",\"init_process_pid\":4242,\"init_process_start\":777}");
        Files.writeString(proc.resolve("stat"), "4242 (busy box) (x) S 1 4242 4242 0 -1 4194560 " + "0 ".repeat(12) + "777 0");
        assertThat(local.isInitAlive("s1")).isTrue();
        assertThat(local.hasState("s1")).isTrue();
        assertThat(local.hasState("s2")).isFalse();

        Files.writeString(proc.resolve("stat"), "4242 (busybox) Z 1 4242 4242 0 -1 4194560 " + "0 ".repeat(12) + "777 0");
        assertThat(local.isInitAlive("s1")).as("zombie").isFalse();

        Files.writeString(proc.resolve("stat"), "4242 (bash) S 1 4242 4242 0 -1 4194560 " + "0 ".repeat(12) + "999 0");
        assertThat(local.isInitAlive("s1")).as("pid reused").isFalse();
    }
}
