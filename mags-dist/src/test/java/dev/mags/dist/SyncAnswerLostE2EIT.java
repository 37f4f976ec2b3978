package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync that committed but whose answer never reached {@code mags sync}: the CLI says the result is unknown
 * and how to look, {@code mags workspace list} shows the sync, and syncing again - also after a kill -9 of
 * magsd - is quick and returns the same snapshot instead of making another.
 */
class SyncAnswerLostE2EIT {
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot (\\S+?)[ :.]");

    @TempDir
    Path tmp;

    @Test
    void aSyncWhoseAnswerWasLostIsReportedAsUnknownAndARetryMakesNoNewSnapshot() throws Exception {
        Files.createDirectories(tmp.resolve("home"));
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").start()) {
            Map<String, String> env = magsd.cliEnv(tmp.resolve("home"));
            ok(env, "run", "-w", "ws", "-p", "echo kept > /root/a");

            Map<String, String> viaProxy = new HashMap<>(env);
            Proc.Result lost;
            try (AnswerDroppingProxy proxy = new AnswerDroppingProxy(magsd.port)) {
                viaProxy.put("MAGS_API_URL", "http://127.0.0.1:" + proxy.port());
                lost = Proc.run(viaProxy, Duration.ofMinutes(2), Repo.mags(), "sync", "ws");
                assertThat(proxy.answerStarted()).as("magsd answered (the sync was over) and the proxy dropped it")
                        .isTrue();
            }
            assertThat(lost.exitCode()).as(lost.stderr()).isEqualTo(1);
            assertThat(lost.stderr()).startsWith("mags: the sync of workspace ws may or may not have completed")
                    .contains("mags workspace list").contains("mags sync ws").doesNotContain("cannot reach");

            JsonNode listed = workspace(env, "ws");
            assertThat(listed.get("snapshot_count").asInt()).as("the lost sync committed").isEqualTo(1);
            assertThat(listed.get("last_sync_at").isNull()).isFalse();

            String snapshot = unchangedSnapshot(ok(env, "sync", "ws"));
            magsd.crash();
            magsd.start();
            assertThat(unchangedSnapshot(ok(env, "sync", "ws"))).as("after kill -9 and a restart").isEqualTo(snapshot);
            assertThat(workspace(env, "ws").get("snapshot_count").asInt()).isEqualTo(1);
            ok(env, "workspace", "delete", "ws");
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }

    private static Proc.Result ok(Map<String, String> env, String... args) {
        Proc.Result r = Proc.run(env, Duration.ofMinutes(2), Repo.mags(), args);
        assertThat(r.exitCode()).as("mags %s\nstdout: %s\nstderr: %s", String.join(" ", args), r.stdout(), r.stderr())
                .isZero();
        return r;
    }

    private static JsonNode workspace(Map<String, String> env, String name) throws IOException {
        for (JsonNode w : Api.JSON.readTree(ok(env, "workspace", "list", "--json").stdout()).get("workspaces")) {
            if (w.get("workspace_id").asText().equals(name)) {
                return w;
            }
        }
        throw new AssertionError("no workspace " + name + " in mags workspace list");
    }

    /** The snapshot a sync of an unchanged workspace names. */
    private static String unchangedSnapshot(Proc.Result sync) {
        assertThat(sync.stdout()).startsWith("Workspace ws is unchanged since snapshot");
        Matcher m = SNAPSHOT.matcher(sync.stdout());
        assertThat(m.find()).as(sync.stdout()).isTrue();
        return m.group(1);
    }

    /**
     * Passes one connection's request on to magsd and, once magsd starts to answer, drops the answer, closes
     * the connection and stops listening: to the client the server went away after it had done the work.
     */
    private static final class AnswerDroppingProxy implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final Thread worker;
        private volatile boolean answerStarted;

        AnswerDroppingProxy(int upstreamPort) throws IOException {
            worker = Thread.ofPlatform().daemon().name("answer-dropping-proxy").start(() -> serveOne(upstreamPort));
        }

        int port() {
            return listener.getLocalPort();
        }

        boolean answerStarted() {
            return answerStarted;
        }

        private void serveOne(int upstreamPort) {
            try (listener; Socket client = listener.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
                Thread.ofPlatform().daemon().start(() -> copy(client, upstream));
                answerStarted = upstream.getInputStream().read() >= 0;
            } catch (IOException e) {
                // the client or magsd went away first; answerStarted says which case this was
            }
        }

        private static void copy(Socket from, Socket to) {
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                in.transferTo(out);
            } catch (IOException closed) {
                // the proxy closed the sockets
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            listener.close();
            worker.join(Duration.ofSeconds(10));
        }
    }
}
