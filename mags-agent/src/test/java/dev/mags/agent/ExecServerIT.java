package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A live sandbox's processes after its first, which its exec server starts from inside it: they run with what a
 * runtime exec gives (a terminal's exec still goes to the runtime, so it is the measure: user namespace, cgroup,
 * capabilities, seccomp filter, no-new-privileges, limits, environment), take signals, stdin, a working directory
 * and a timeout, and a server that a process in the sandbox killed or stopped costs no exec. Needs root.
 */
class ExecServerIT {
    /** What the kernel says of a process's confinement: each must be the same whichever way it was started. */
    private static final String CONFINEMENT = "grep -E '^(Cap|Seccomp|NoNewPrivs|Uid|Gid)' /proc/self/status;"
            + " cat /proc/self/cgroup /proc/self/uid_map /proc/self/limits; readlink /proc/self/ns/*; env | sort;"
            + " cat /proc/self/attr/current 2>/dev/null; echo end";

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
    void createAndUseTheStandby() throws Exception {
        sandbox = agent.create(new SandboxSpec(SandboxId.of(ItHost.uniqueId("x")), "busybox", SandboxLimits.DEFAULT,
                NetworkMode.NONE, null, null, Map.of("FROM_SANDBOX", "s")));
        assertThat(run(sh("sleep 1000 &"), new RecordingListener())).as("the first, the standby's")
                .isEqualTo(ExecExit.exited(0));
    }

    @AfterEach
    void stopAndCheckNothingIsLeft() throws Exception {
        SandboxEnd end = sandbox.stop(Duration.ofSeconds(1), false).get(60, TimeUnit.SECONDS);
        assertThat(end.reason()).isEqualTo(ExitReason.STOPPED);
        assertThat(HostLeaks.scan(host.config)).isEmpty();
    }

    private static ExecSpec sh(String script) {
        return ExecSpec.shell(script, Map.of(), null);
    }

    private ExecExit run(ExecSpec spec, RecordingListener out) throws Exception {
        return sandbox.exec(spec, out, CommandGate.OPEN).exit().get(60, TimeUnit.SECONDS);
    }

    private String output(String script) throws Exception {
        RecordingListener out = new RecordingListener();
        assertThat(run(ExecSpec.shell(script, Map.of("FROM_EXEC", "e x'\"$1\nsecond line"), null), out))
                .as("%s", out.lines()).isEqualTo(ExecExit.exited(0));
        return out.text();
    }

    @Test
    void itsProcessesAreConfinedAsARuntimeExecsAre() throws Exception {
        String served = output(CONFINEMENT);
        assertThat(served).contains("Seccomp:\t2", "FROM_EXEC=e x'\"$1", "second line", "FROM_SANDBOX=s", "end");

        RecordingListener tty = new RecordingListener();
        assertThat(run(new ExecSpec(List.of("sh", "-c", CONFINEMENT), Map.of("FROM_EXEC", "e x'\"$1\nsecond line"),
                null, false, new PtySize(200, 50), null), tty)).isEqualTo(ExecExit.exited(0));
        assertThat(lines(served)).isEqualTo(lines(tty.text().replace("\r\n", "\n")));
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\n")).map(String::strip).collect(Collectors.toList());
    }

    @Test
    void itIsAProcessOfTheSandboxThatItsOwnListShows() throws Exception {
        output("true"); // starts the server
        assertThat(output("cat /proc/[0-9]*/cmdline | tr '\\0' ' '")).contains("mags-execd");
    }

    @Test
    void aSignalReachesTheProcessWithItsDefaultDisposition() throws Exception {
        RecordingListener out = new RecordingListener();
        Exec exec = sandbox.exec(sh("trap 'echo got-int; exit 42' INT; echo ready; while :; do sleep 0.1; done"), out,
                CommandGate.OPEN);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> out.stdout().contains("ready"));
        exec.signal(2);
        assertThat(exec.exit().get(60, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(42));

        RecordingListener plain = new RecordingListener();
        Exec sleeper = sandbox.exec(sh("echo ready; exec sleep 1000"), plain, CommandGate.OPEN);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> plain.stdout().contains("ready"));
        sleeper.signal(2);
        assertThat(sleeper.exit().get(60, TimeUnit.SECONDS)).as("SIGINT is not ignored").isEqualTo(ExecExit.exited(130));
    }

    @Test
    void stdinWorkingDirectoryProgramLookupAndExitCodesWork() throws Exception {
        RecordingListener out = new RecordingListener();
        Exec cat = sandbox.exec(new ExecSpec(List.of("sh", "-c", "pwd; while read l; do echo \"got $l\"; done; exit 7"),
                Map.of(), "/tmp", true, null, null), out, CommandGate.OPEN);
        try (OutputStream in = cat.stdin()) {
            in.write("one\ntwo\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(cat.exit().get(60, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(7));
        assertThat(out.stdout()).containsExactly("/tmp", "got one", "got two");

        RecordingListener missing = new RecordingListener();
        assertThat(run(new ExecSpec(List.of("no-such-program"), Map.of(), null, false, null, null), missing))
                .isEqualTo(ExecExit.exited(127));
        assertThat(missing.stderr()).containsExactly("no-such-program: command not found");
        RecordingListener split = new RecordingListener();
        assertThat(run(sh("echo to-out; echo to-err >&2; exit 3"), split)).isEqualTo(ExecExit.exited(3));
        assertThat(split.stdout()).containsExactly("to-out");
        assertThat(split.stderr()).containsExactly("to-err");
    }

    @Test
    void aTimeoutEndsTheProcessOnly() throws Exception {
        ExecExit exit = run(ExecSpec.shell("sleep 100", Map.of(), Duration.ofMillis(300)), new RecordingListener());
        assertThat(exit.reason()).isEqualTo(ExitReason.TIMED_OUT);
        assertThat(output("echo still here")).isEqualTo("still here\n");
    }

    /** Signals the server from inside (its pattern does not match the script's own command line). */
    private static String signalServer(String signal) {
        return "n=0; for d in /proc/[0-9]*; do if grep -q 'mags-exec[d]' $d/cmdline 2>/dev/null; then kill -" + signal
                + " ${d#/proc/} && n=$((n+1)); fi; done; echo signalled $n";
    }

    @Test
    void aServerKilledFromInsideIsStartedAgain() throws Exception {
        output("true");
        assertThat(output(signalServer("KILL"))).isEqualTo("signalled 1\n");
        assertThat(output("echo back")).isEqualTo("back\n");
        assertThat(output("grep -l 'mags-exec[d]' /proc/[0-9]*/cmdline | wc -l")).isEqualTo("1\n");
    }

    @Test
    void aStoppedServerCostsOneWaitThenTheRuntimeAndANewServerServe() throws Exception {
        output("true");
        assertThat(output(signalServer("STOP"))).isEqualTo("signalled 1\n");
        long start = System.nanoTime();
        // The first may find a shell the stopped server had started; one waits for the server, then the runtime runs it.
        for (int i = 0; i < 3; i++) {
            assertThat(output("echo " + i)).isEqualTo(i + "\n");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
        assertThat(output("grep -l 'mags-exec[d]' /proc/[0-9]*/cmdline | wc -l")).as("the stopped one, a new one")
                .isEqualTo("2\n");
    }

    @Test
    void variablesTheShellCannotSetGoToTheRuntime() throws Exception {
        RecordingListener out = new RecordingListener();
        assertThat(run(ExecSpec.shell("echo $OK", Map.of("A.B", "dotted", "OK", "yes"), null), out))
                .isEqualTo(ExecExit.exited(0));
        assertThat(out.stdout()).containsExactly("yes");
    }
}
