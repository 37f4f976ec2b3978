package dev.mags.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.cli.command.CliContext;
import dev.mags.cli.command.SecretPrompt;
import dev.mags.cli.config.CliEnvironment;
import dev.mags.cli.exec.Stdio;
import dev.mags.cli.exec.Terminal;
import dev.mags.controlplane.ExecServer;
import dev.mags.controlplane.testing.HostSandbox;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mags exec} without a terminal (stdin a pipe, stdout and stderr captured), against a real control plane
 * whose sandboxes run host processes.
 */
class ExecCommandTest {
    @TempDir
    Path dir;
    ExecServer server;
    HostSandbox dev;

    record Result(int exit, String out, String err) {}

    @BeforeEach
    void start() {
        server = new ExecServer(dir.resolve("server"));
        dev = server.sandbox("alice", "dev");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void outputApartAndTheCommandsExitCode() {
        Result r = run("", "exec", "dev", "echo out; echo err >&2; exit 3");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(r.err()).isEqualTo("err\n");
        assertThat(dev.specs.getLast().argv()).containsExactly("sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(dev.specs.getLast().pty()).isNull();
    }

    @Test
    void pipedStdinReachesTheCommandAndItsEnd() {
        Result r = run("hello\nworld\n", "exec", "dev", "cat", "|", "wc", "-l");
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("2");
    }

    @Test
    void optionsBeforeTheNameAndWordsAfterIt() {
        Result r = run("", "exec", "--env", "WHO=you", "dev", "echo", "hi", "$WHO", "-n");
        assertThat(r.out()).isEqualTo("hi you -n\n");
    }

    @Test
    void aTimeoutIs124() {
        Result r = run("", "exec", "--timeout", "1", "dev", "exec sleep 100");
        assertThat(r.exit()).isEqualTo(124);
        assertThat(r.err()).contains("mags: timed out");
    }

    @Test
    void anUnknownOrForeignNameSaysWhatToDo() {
        server.sandbox("bob", "secret");
        Result r = run("", "exec", "secret", "id");
        assertThat(r.exit()).isEqualTo(125);
        assertThat(r.err()).contains("no job or workspace named 'secret'", "mags list");
        assertThat(server.sandbox("bob", "secret").specs).isEmpty();
    }

    @Test
    void contradictoryOptionsAreAUsageError() {
        Result r = run("", "exec", "-t", "-T", "dev", "true");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("contradict");
    }

    private Result run(String stdin, String... args) {
        StringWriter text = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        CliContext ctx = new CliContext(
                CliEnvironment.from(Map.of("HOME", dir.toString(), "MAGS_API_URL", server.url().toString(),
                        "MAGS_API_TOKEN", server.token("alice")), "/nonexistent"),
                new PrintWriter(text), errWriter, SecretPrompt.fromStream(new ByteArrayInputStream(new byte[0]),
                        errWriter), action -> () -> { }, () -> ZoneOffset.UTC,
                new Stdio(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, err, PIPES));
        int exit = MagsMain.run(args, ctx);
        errWriter.flush();
        return new Result(exit, text + out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Standard streams that are pipes, as under a script. */
    private static final Terminal PIPES = new Terminal() {
        @Override
        public boolean isTerminal(int fd) {
            return false;
        }

        @Override
        public boolean stdinIsNull() {
            return false;
        }

        @Override
        public Optional<int[]> size() {
            return Optional.empty();
        }

        @Override
        public AutoCloseable raw() {
            throw new AssertionError("raw mode without a terminal");
        }

        @Override
        public void onResize(Runnable action) {
        }

        @Override
        public void onInterrupt(Runnable action) {
        }
    };
}
