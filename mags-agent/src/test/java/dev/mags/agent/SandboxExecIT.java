package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.PtySize;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.SandboxState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sandbox of contract v2 on real runc: many processes at once with their own streams and exit codes, stdin,
 * a terminal with its size, signals, background processes that outlive their exec, the freezer, and nothing
 * left on the host after it ends. Needs root.
 */
class SandboxExecIT {
    private static ItHost host;
    private static LocalAgent agent;
    private Sandbox sandbox;

    @BeforeAll
    static void setUp() throws IOException {
        host = ItHost.create();
        agent = host.agent();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (host != null) {
            host.close();
        }
    }

    @BeforeEach
    void create() {
        sandbox = agent.create(new SandboxSpec(SandboxId.of(ItHost.uniqueId("x")), "busybox", SandboxLimits.DEFAULT,
                NetworkMode.NONE, null, null, Map.of("FROM_SANDBOX", "s")));
    }

    @AfterEach
    void stopAndCheckNothingIsLeft() throws Exception {
        SandboxEnd end = sandbox.stop(Duration.ofSeconds(1), false).get(60, TimeUnit.SECONDS);
        assertThat(end.reason()).isEqualTo(ExitReason.STOPPED);
        assertThat(sandbox.state()).isEqualTo(SandboxState.ENDED);
        assertThat(agent.sandbox(sandbox.id())).isEmpty();
        assertThat(HostLeaks.scan(host.config)).isEmpty();
    }

    private static ExecSpec sh(String script) {
        return ExecSpec.shell(script, Map.of(), null);
    }

    private ExecExit run(ExecSpec spec, RecordingListener out) throws Exception {
        return sandbox.exec(spec, out, CommandGate.OPEN).exit().get(60, TimeUnit.SECONDS);
    }

    @Test
    void twentyProcessesAtOnceKeepTheirOwnStreamsAndExitCodes() throws Exception {
        List<Exec> execs = new ArrayList<>();
        List<RecordingListener> outputs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            RecordingListener out = new RecordingListener();
            outputs.add(out);
            execs.add(sandbox.exec(sh("echo out-" + i + " $FROM_SANDBOX; sleep 0.2; echo err-" + i + " >&2; exit " + i),
                    out, CommandGate.OPEN));
        }
        for (int i = 0; i < 20; i++) {
            ExecExit exit = execs.get(i).exit().get(60, TimeUnit.SECONDS);
            assertThat(exit).as("exec %d: %s", i, outputs.get(i).lines()).isEqualTo(ExecExit.exited(i));
            assertThat(outputs.get(i).stdout()).containsExactly("out-" + i + " s");
            assertThat(outputs.get(i).stderr()).containsExactly("err-" + i);
        }
    }

    @Test
    void stdinIsStreamedAndItsCloseIsTheEndOfFile() throws Exception {
        RecordingListener out = new RecordingListener();
        Exec cat = sandbox.exec(new ExecSpec(List.of("sh", "-c", "while read l; do echo \"got $l\"; done; echo eof"),
                Map.of(), null, true, null, null), out, CommandGate.OPEN);
        try (OutputStream in = cat.stdin()) {
            in.write("one\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> out.stdout().contains("got one"));
            in.write("two\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(cat.exit().get(60, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        assertThat(out.stdout()).containsExactly("got one", "got two", "eof");
    }

    @Test
    void aProcessWithoutStdinReadsNothingAndGetsNoStream() throws Exception {
        RecordingListener out = new RecordingListener();
        Exec exec = sandbox.exec(new ExecSpec(List.of("cat"), Map.of(), "/", false, null, null), out, CommandGate.OPEN);
        assertThat(exec.exit().get(60, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        assertThatThrownBy(exec::stdin).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTerminalHasItsSizeAndFollowsAResize() throws Exception {
        RecordingListener tty = new RecordingListener();
        assertThat(run(new ExecSpec(List.of("tty"), Map.of(), null, false, new PtySize(80, 24), null), tty))
                .isEqualTo(ExecExit.exited(0));
        assertThat(tty.text()).startsWith("/dev/pts/");

        RecordingListener out = new RecordingListener();
        Exec shell = sandbox.exec(new ExecSpec(List.of("sh"), Map.of(), null, true, new PtySize(80, 24), null), out,
                CommandGate.OPEN);
        OutputStream in = shell.stdin();
        in.write("stty size\n".getBytes(StandardCharsets.UTF_8));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> out.text().contains("24 80"));
        shell.resize(new PtySize(100, 30));
        in.write("stty size\n".getBytes(StandardCharsets.UTF_8));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> out.text().contains("30 100"));
        in.write("exit 3\n".getBytes(StandardCharsets.UTF_8));
        assertThat(shell.exit().get(60, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(3));
        assertThat(out.stderr()).as("a terminal has one stream").isEmpty();
    }

    @Test
    void aSignalReachesTheProcess() throws Exception {
        RecordingListener out = new RecordingListener();
        Exec exec = sandbox.exec(sh("trap 'echo got-int; exit 42' INT; echo ready; while :; do sleep 0.1; done"), out,
                CommandGate.OPEN);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> out.stdout().contains("ready"));
        exec.signal(2);
        assertThat(exec.exit().get(60, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(42));
        assertThat(out.stdout()).containsExactly("ready", "got-int");
    }

    @Test
    void aSignalSentRightAfterTheStartIsNotLost() throws Exception {
        // A long PATH keeps the reporting shell looking for the program for a while before it forks it.
        String longPath = "/nonexistent/x" + ":/nonexistent/x".repeat(3000) + ":/bin:/usr/bin";
        for (int i = 0; i < 5; i++) {
            Exec exec = sandbox.exec(new ExecSpec(List.of("sleep", "60"), Map.of("PATH", longPath), null, false, null,
                    null), new RecordingListener(), CommandGate.OPEN);
            exec.signal(9);
            assertThat(exec.exit().get(30, TimeUnit.SECONDS).exitCode()).as("attempt %d", i).isEqualTo(137);
        }
    }

    @Test
    void aTimeoutEndsTheProcessButNotTheSandbox() throws Exception {
        ExecExit exit = run(ExecSpec.shell("sleep 100", Map.of(), Duration.ofMillis(300)), new RecordingListener());
        assertThat(exit.reason()).isEqualTo(ExitReason.TIMED_OUT);
        assertThat(exit.detail()).isEqualTo("timed out after 300 ms");
        assertThat(run(sh("echo still here"), new RecordingListener())).isEqualTo(ExecExit.exited(0));
    }

    @Test
    void aBackgroundProcessOutlivesItsExecAndTheNextExecSeesIt() throws Exception {
        RecordingListener first = new RecordingListener();
        assertThat(run(sh("sleep 1000 & echo $! > /tmp/bg; echo started"), first)).isEqualTo(ExecExit.exited(0));
        assertThat(first.stdout()).containsExactly("started");
        RecordingListener second = new RecordingListener();
        assertThat(run(sh("kill -0 $(cat /tmp/bg) && echo alive"), second)).isEqualTo(ExecExit.exited(0));
        assertThat(second.stdout()).containsExactly("alive");
    }

    @Test
    void aProgramIsFoundAlongPathAndRunsInItsDirectoryWithItsOwnName() throws Exception {
        RecordingListener out = new RecordingListener();
        assertThat(run(new ExecSpec(List.of("sh", "-c", "pwd; echo $0"), Map.of(), "/tmp", true, null, null), out))
                .isEqualTo(ExecExit.exited(0));
        assertThat(out.stdout()).containsExactly("/tmp", "sh");
        RecordingListener missing = new RecordingListener();
        assertThat(run(new ExecSpec(List.of("no-such-program"), Map.of(), null, false, null, null), missing))
                .isEqualTo(ExecExit.exited(127));
        assertThat(missing.stderr()).containsExactly("no-such-program: command not found");
        RecordingListener noDir = new RecordingListener();
        assertThat(run(new ExecSpec(List.of("true"), Map.of(), "/nowhere", false, null, null), noDir).exitCode())
                .isNotZero();
    }

    @Test
    void aFrozenSandboxTakesNoExecUntilThawed() throws Exception {
        run(sh("(i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.01; done) >/dev/null 2>&1 &"),
                new RecordingListener());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> count() > 0);
        sandbox.freeze();
        assertThat(sandbox.state()).isEqualTo(SandboxState.FROZEN);
        assertThat(Files.readString(Path.of("/sys/fs/cgroup/freezer", host.config.cgroupParent(),
                sandbox.id().value(), "freezer.state")).strip()).isEqualTo("FROZEN");
        long frozenAt = count();
        assertThatThrownBy(() -> sandbox.exec(sh("true"), new RecordingListener(), CommandGate.OPEN))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.FROZEN));
        Thread.sleep(200);
        assertThat(count()).as("nothing runs while frozen").isEqualTo(frozenAt);
        sandbox.thaw();
        assertThat(sandbox.state()).isEqualTo(SandboxState.RUNNING);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> count() > frozenAt);
        assertThat(run(sh("true"), new RecordingListener())).isEqualTo(ExecExit.exited(0));
    }

    private long count() throws IOException {
        try (var channel = sandbox.files().open("/tmp/count", java.util.Set.of(java.nio.file.StandardOpenOption.READ), 0)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(64);
            channel.read(buf);
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
    }

    @Test
    void aStopEndsRunningProcessesWithStopped() throws Exception {
        RecordingListener out = new RecordingListener();
        Exec exec = sandbox.exec(sh("echo ready; sleep 1000"), out, CommandGate.OPEN);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> out.stdout().contains("ready"));
        sandbox.stop(Duration.ofSeconds(1), false);
        assertThat(exec.exit().get(60, TimeUnit.SECONDS).reason()).isEqualTo(ExitReason.STOPPED);
        assertThatThrownBy(() -> sandbox.exec(sh("true"), new RecordingListener(), CommandGate.OPEN))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.NOT_FOUND));
    }
}
