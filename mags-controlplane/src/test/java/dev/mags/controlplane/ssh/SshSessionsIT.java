package dev.mags.controlplane.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands through the gateway with OpenSSH's {@code ssh}, as a user types them. */
class SshSessionsIT {
    @TempDir
    Path dir;
    GatewayFixture gw;
    Path alice;

    @BeforeEach
    void start() {
        gw = new GatewayFixture(dir);
        alice = gw.key("alice");
        gw.sandbox("alice", "dev");
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void aCommandsOutputAndExitStatusComeBack() {
        GatewayFixture.Run run = gw.ssh(alice, "dev", "echo hi; echo oops >&2; exit 3");

        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.out()).isEqualTo("hi\n");
        assertThat(run.err()).isEqualTo("oops\n");
    }

    @Test
    void theCommandRunsWithPipesInRootsHome() {
        GatewayFixture.Run run = gw.ssh(alice, "dev", "pwd; test -t 0 || echo no-terminal");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo(gw.sandbox("alice", "dev").dir().resolve("root") + "\nno-terminal\n");
        assertThat(gw.sandbox("alice", "dev").specs.get(0).argv())
                .containsExactly("sh", "-c", "pwd; test -t 0 || echo no-terminal");
    }

    @Test
    void pipedStdinReachesTheCommandAndEndsWithEof() {
        GatewayFixture.Run run = gw.ssh(alice, "dev", List.of(), "tr a-z A-Z; echo done", "hello\nworld\n");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("HELLO\nWORLD\ndone\n");
    }

    @Test
    void outputLargerThanTheClientsWindowArrivesWhole() {
        GatewayFixture.Run run = gw.ssh(alice, "dev", "head -c 20000000 /dev/zero | tr '\\0' x; echo; echo end >&2");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).hasSize(20_000_001).startsWith("xxx").endsWith("x\n");
        assertThat(run.err()).isEqualTo("end\n");
    }

    @Test
    void severalSessionsRunAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<GatewayFixture.Run>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = i;
                Callable<GatewayFixture.Run> call = () -> gw.ssh(alice, "dev", "echo session-" + n + "; exit " + n);
                runs.add(pool.submit(call));
            }
            for (int i = 0; i < 6; i++) {
                GatewayFixture.Run run = runs.get(i).get();
                assertThat(run.out()).isEqualTo("session-" + i + "\n");
                assertThat(run.exit()).isEqualTo(i);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(gw.released).hasSize(6);
    }

    @Test
    void aCommandAskedWithTGetsATerminal() {
        GatewayFixture.Run run = gw.ssh(alice, "dev", List.of("-tt"), "test -t 0 && echo terminal; stty size; exit 4",
                null);

        assertThat(run.exit()).isEqualTo(4);
        assertThat(run.out()).contains("terminal\r\n");
        assertThat(gw.sandbox("alice", "dev").specs.get(0).pty()).isNotNull();
    }

    @Test
    void aShellWithoutATerminalReadsItsCommandsFromStdin() {
        GatewayFixture.Run run = gw.ssh(alice, "dev", List.of("-T"), null, "echo \"from $0\"; exit 6\n");

        assertThat(run.exit()).isEqualTo(6);
        assertThat(run.out()).isEqualTo("from bash\n");
        assertThat(gw.sandbox("alice", "dev").specs.get(0).pty()).isNull();
    }

    @Test
    void onlyTheLocaleOfTheClientsEnvironmentIsPassedOn() {
        GatewayFixture.Run run = gw.ssh(alice, "dev", List.of("-o", "SetEnv=LANG=C.UTF-8 LC_TIME=C EVIL=1 PATH=/x"),
                "echo \"$LANG $LC_TIME ${EVIL:-unset}\"; echo \"$PATH\"", null);

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("C.UTF-8 C unset\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
    }
}
