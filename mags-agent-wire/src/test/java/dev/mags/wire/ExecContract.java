package dev.mags.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.RecordingListener;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.PtySize;
import dev.mags.protocol.v2.Sandbox;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Processes in a sandbox through the contract: their streams, exit codes, environment, stdin, terminal, signals,
 * timeouts, large output, several at once, and the gate that runs before each.
 */
public abstract class ExecContract extends AgentContract {
    private Sandbox sandbox;

    @BeforeEach
    final void createSandbox() {
        sandbox = create("exec");
    }

    private ExecExit run(ExecSpec spec, RecordingListener out) throws Exception {
        return sandbox.exec(spec, out, CommandGate.OPEN).exit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static ExecSpec argv(List<String> argv, boolean stdin, PtySize pty) {
        return new ExecSpec(argv, Map.of(), null, stdin, pty, null);
    }

    @Test
    void stdoutAndStderrArriveApartInOrderWithTheExitCode() throws Exception {
        RecordingListener out = new RecordingListener();
        ExecExit exit = run(ExecSpec.shell("for i in 1 2 3 4 5; do echo out-$i; echo err-$i >&2; done; printf tail; exit 7",
                Map.of(), null), out);

        assertThat(exit).isEqualTo(ExecExit.exited(7));
        assertThat(out.stdout()).containsExactly("out-1", "out-2", "out-3", "out-4", "out-5", "tail");
        assertThat(out.stderr()).containsExactly("err-1", "err-2", "err-3", "err-4", "err-5");
    }

    @Test
    void anExecGetsItsEnvironmentOverTheSandboxsAndItsDirectory() throws Exception {
        RecordingListener out = new RecordingListener();
        ExecExit exit = run(new ExecSpec(List.of("sh", "-c", "echo \"$GREETING\" $FROM_SANDBOX $OVER; pwd"),
                Map.of("GREETING", "hello world", "OVER", "exec"), "/tmp", false, null, null), out);
        assertThat(exit).isEqualTo(ExecExit.exited(0));
        assertThat(out.stdout()).containsExactly("hello world s exec", "/tmp");

        assertThat(sh(sandbox, "pwd; echo $HOME; id -u")).as("the default directory").containsExactly("/root", "/root", "0");
        RecordingListener missing = new RecordingListener();
        assertThat(run(argv(List.of("no-such-program"), false, null), missing)).isEqualTo(ExecExit.exited(127));
    }

    @Test
    void stdinIsStreamedAndItsCloseIsTheEndOfFile() throws Exception {
        RecordingListener out = new RecordingListener();
        Exec cat = sandbox.exec(argv(List.of("sh", "-c", "cat; echo eof"), true, null), out, CommandGate.OPEN);
        try (OutputStream in = cat.stdin()) {
            in.write("one\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            Awaitility.await().atMost(WAIT).until(() -> out.stdout().contains("one"));
            in.write("two\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(cat.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        assertThat(out.stdout()).containsExactly("one", "two", "eof");

        Exec noStdin = sandbox.exec(argv(List.of("cat"), false, null), new RecordingListener(), CommandGate.OPEN);
        assertThat(noStdin.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("reads /dev/null").isEqualTo(ExecExit.exited(0));
        assertThatThrownBy(noStdin::stdin).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTerminalIsOneStreamWithItsSizeAndFollowsAResize() throws Exception {
        RecordingListener tty = new RecordingListener();
        assertThat(run(argv(List.of("tty"), false, new PtySize(80, 24)), tty)).isEqualTo(ExecExit.exited(0));
        assertThat(tty.text()).startsWith("/dev/pts/");

        RecordingListener out = new RecordingListener();
        Exec shell = sandbox.exec(argv(List.of("sh"), true, new PtySize(80, 24)), out, CommandGate.OPEN);
        OutputStream in = shell.stdin();
        in.write("stty size; echo err >&2\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        Awaitility.await().atMost(WAIT).until(() -> out.text().contains("24 80"));
        shell.resize(new PtySize(100, 30));
        in.write("stty size\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        Awaitility.await().atMost(WAIT).until(() -> out.text().contains("30 100"));
        in.write("exit 3\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        assertThat(shell.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(3));
        assertThat(out.text()).as("stderr on the terminal, its newlines as a terminal writes them").contains("24 80\r\nerr\r\n");
        assertThat(out.stderr()).as("a terminal has one stream").isEmpty();
    }

    @Test
    void aSignalReachesTheProcess() throws Exception {
        RecordingListener out = new RecordingListener();
        Exec sleep = sandbox.exec(argv(List.of("sleep", "1000"), false, null), out, CommandGate.OPEN);
        Awaitility.await().atMost(WAIT).until(() -> sh(sandbox, "pidof sleep || true").size() == 1);
        sleep.signal(2);
        assertThat(sleep.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("128 + SIGINT").isEqualTo(ExecExit.exited(130));
        sleep.signal(2); // harmless once it has ended
    }

    @Test
    void aTimeoutEndsTheProcessButNotTheSandbox() throws Exception {
        RecordingListener out = new RecordingListener();
        ExecExit exit = run(ExecSpec.shell("echo started; sleep 1000", Map.of(), Duration.ofMillis(500)), out);
        assertThat(exit.reason()).isEqualTo(ExitReason.TIMED_OUT);
        assertThat(exit.detail()).isNotEmpty();
        assertThat(out.stdout()).containsExactly("started");
        assertThat(sh(sandbox, "echo still here")).containsExactly("still here");
    }

    @Test
    void twentyMegabytesOfOutputArriveCompleteAndInOrder() throws Exception {
        int lines = 2_500_000;
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= lines; i++) {
            expected.append(i).append('\n');
        }
        DigestListener out = new DigestListener();
        ExecExit exit = sandbox.exec(ExecSpec.shell("seq 1 " + lines + "; echo done >&2", Map.of(), null), out,
                CommandGate.OPEN).exit().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(exit).isEqualTo(ExecExit.exited(0));
        assertThat(out.stdoutBytes()).isEqualTo(expected.length()).isGreaterThan(18_000_000);
        assertThat(out.stdoutDigest()).isEqualTo(DigestListener.sha256(expected.toString().getBytes(StandardCharsets.US_ASCII)));
        assertThat(out.stderrText()).isEqualTo("done\n");
    }

    @Test
    void tenProcessesAtOnceKeepTheirOwnStreamsAndExitCodes() throws Exception {
        List<Exec> execs = new ArrayList<>();
        List<RecordingListener> outputs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RecordingListener out = new RecordingListener();
            outputs.add(out);
            execs.add(sandbox.exec(ExecSpec.shell("echo out-" + i + "; sleep 1; echo err-" + i + " >&2; exit " + i,
                    Map.of(), null), out, CommandGate.OPEN));
        }
        for (int i = 0; i < 10; i++) {
            assertThat(execs.get(i).exit().get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("exec %d: %s", i, outputs.get(i).text())
                    .isEqualTo(ExecExit.exited(i));
            assertThat(outputs.get(i).stdout()).containsExactly("out-" + i);
            assertThat(outputs.get(i).stderr()).containsExactly("err-" + i);
        }
    }

    @Test
    void anArgumentWithANulIsRefusedAsInvalidSpec() {
        assertThatThrownBy(() -> sandbox.exec(argv(List.of("echo", "a\0b"), false, null), new RecordingListener(),
                CommandGate.OPEN)).isInstanceOfSatisfying(AgentException.class,
                        e -> assertThat(e.code()).isEqualTo(AgentErrorCode.INVALID_SPEC));
    }

    @Test
    void aGateThatThrowsKeepsTheProcessFromRunningAndIsThrown() throws Exception {
        IllegalStateException refused = new IllegalStateException("not recorded");
        RecordingListener out = new RecordingListener();
        assertThatThrownBy(() -> sandbox.exec(ExecSpec.shell("echo ran; touch /root/ran", Map.of(), null), out, () -> {
            throw refused;
        })).isSameAs(refused);

        assertThat(sh(sandbox, "test -e /root/ran && echo ran || echo never")).containsExactly("never");
        assertThat(out.text()).isEmpty();
    }

    @Test
    void theGateRunsBeforeTheProcess() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean startedBeforeTheGateReturned = new AtomicBoolean();
        RecordingListener out = new RecordingListener();
        // The process leaves a file as it starts; the gate watches for it for a while (a process started before
        // the gate returned would leave it meanwhile), then leaves a file of its own for the process to read.
        ExecExit exit = sandbox.exec(ExecSpec.shell("touch /root/started; cat /root/gate", Map.of(), null), out, () -> {
            calls.incrementAndGet();
            try {
                for (int i = 0; i < 50 && !startedBeforeTheGateReturned.get(); i++) {
                    startedBeforeTheGateReturned.set(exists("/root/started"));
                    Thread.sleep(20);
                }
                try (SeekableByteChannel file = sandbox.files().open("/root/gate",
                        Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING), 0644)) {
                    file.write(ByteBuffer.wrap("gate was here\n".getBytes(StandardCharsets.UTF_8)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }).exit().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(startedBeforeTheGateReturned).as("the process started before the gate returned").isFalse();
        assertThat(exit).as("output %s", out.text()).isEqualTo(ExecExit.exited(0));
        assertThat(out.stdout()).containsExactly("gate was here");
        assertThat(calls.get()).isPositive();
    }

    private boolean exists(String path) throws IOException {
        try {
            sandbox.files().stat(path, false);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
