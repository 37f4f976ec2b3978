package dev.mags.sdk;

import static dev.mags.sdk.FakeMagsServer.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.api.JobInfo;
import dev.mags.api.JobStatus;
import dev.mags.api.LogEntry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FollowTest {
    private static final String EVENTS = "/api/v1/mags-jobs/j1/events";

    private final FakeMagsServer server = FakeMagsServer.start();
    private final Mags mags = Mags.builder().baseUrl(server.uri()).token("tok")
            .reconnectBackoff(Duration.ofMillis(10)).reconnectAttempts(3).build();
    private final List<LogEntry> lines = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        mags.close();
        server.close();
    }

    private List<String> messages() {
        return lines.stream().map(LogEntry::message).toList();
    }

    @Test
    void deliversLinesInOrderAndReturnsTheFinalStatus() {
        server.on("GET", EVENTS, (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                sse.log(1, "stdout", "hello").comment().log(2, "stderr", "warn").status(job("j1", "completed", 0, null));
            }
        });

        JobInfo end = mags.follow("j1", 0, lines::add);

        assertThat(end.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(messages()).containsExactly("hello", "warn");
        FakeMagsServer.Request request = server.single("GET", EVENTS);
        assertThat(request.query()).isEqualTo("after=0");
        assertThat(request.header("Accept")).isEqualTo("text/event-stream");
        assertThat(request.header("Authorization")).isEqualTo("Bearer tok");
    }

    @Test
    void resumesADroppedStreamAfterTheLastSeqWithoutDuplicates() {
        AtomicInteger connections = new AtomicInteger();
        server.on("GET", EVENTS, (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                if (connections.incrementAndGet() == 1) {
                    sse.log(1, "stdout", "one").log(2, "stdout", "two");   // then the connection ends
                } else {
                    // a server that replays one line too many must not cause a duplicate
                    sse.log(2, "stdout", "two").log(3, "stdout", "three").status(job("j1", "completed", 0, null));
                }
            }
        });

        JobInfo end = mags.follow("j1", 0, lines::add);

        assertThat(end.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(messages()).containsExactly("one", "two", "three");
        List<FakeMagsServer.Request> requests = server.requests("GET", EVENTS);
        assertThat(requests).extracting(FakeMagsServer.Request::query).containsExactly("after=0", "after=2");
        assertThat(requests.get(1).header("Last-Event-ID")).isEqualTo("2");
    }

    @Test
    void resumesAfterAnAbruptlyBrokenConnection() throws Exception {
        // The JDK's HttpServer cannot cut a connection short, so this server speaks HTTP by hand.
        try (ServerSocket socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             Mags client = Mags.builder().baseUrl("http://127.0.0.1:" + socket.getLocalPort()).token("tok")
                     .reconnectBackoff(Duration.ofMillis(10)).build()) {
            List<String> requestLines = new CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                try {
                    try (Socket first = socket.accept()) {
                        requestLines.add(readHead(first));
                        write(first, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 100000\r\n\r\n"
                                + "event: log\ndata: {\"seq\":1,\"source\":\"stdout\",\"message\":\"one\"}\n\n");
                    }   // closed with 99,9xx bytes missing
                    try (Socket second = socket.accept()) {
                        requestLines.add(readHead(second));
                        write(second, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                                + "event: log\ndata: {\"seq\":2,\"source\":\"stdout\",\"message\":\"two\"}\n\n"
                                + "event: status\ndata: " + job("j1", "error", 3, "exit status 3") + "\n\n");
                    }
                } catch (IOException e) {
                    requestLines.add("server failed: " + e);
                }
            });

            JobInfo end = client.follow("j1", 0, lines::add);

            assertThat(end.exitCode()).isEqualTo(3);
            assertThat(messages()).containsExactly("one", "two");
            assertThat(requestLines).containsExactly(
                    "GET /api/v1/mags-jobs/j1/events?after=0 HTTP/1.1", "GET /api/v1/mags-jobs/j1/events?after=1 HTTP/1.1");
        }
    }

    private static String readHead(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        String first = in.readLine();
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            // skip the headers
        }
        return first;
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void givesUpAfterTheBoundedNumberOfReconnections() {
        server.on("GET", EVENTS, (request, exchange) -> FakeMagsServer.sse(exchange).close());

        assertThatThrownBy(() -> mags.follow("j1", 0, lines::add))
                .isInstanceOf(MagsConnectionException.class)
                .hasMessageContaining("lost the live output of job j1 from " + server.uri())
                .hasMessageContaining("after 3 attempts");
        assertThat(server.requests("GET", EVENTS)).hasSize(4);
    }

    @Test
    void anErrorOnTheFirstConnectionIsNotRetried() {
        server.json("GET", EVENTS, 404, "{\"error\":{\"code\":\"not_found\",\"message\":\"job 'j1' not found\"}}");

        assertThatThrownBy(() -> mags.follow("j1", 0, lines::add))
                .isInstanceOf(MagsApiException.class)
                .hasMessage("job 'j1' not found");
        assertThat(server.requests("GET", EVENTS)).hasSize(1);
    }

    @Test
    void pollsAServerWithoutEventStream() {
        // no events route: the fake answers 404 like a server that does not know the path
        server.json("GET", "/api/v1/mags-jobs/j1/status", 200, job("j1", "completed", 0, null));
        AtomicInteger polls = new AtomicInteger();
        server.on("GET", "/api/v1/mags-jobs/j1/logs", (request, exchange) -> {
            String after = request.queryParams().getOrDefault("after", "0");
            int n = polls.incrementAndGet();
            String body = switch (after) {
                case "0" -> "\"running\",\"logs\":[{\"seq\":1,\"source\":\"stdout\",\"message\":\"one\"}]";
                case "1" -> n < 3 ? "\"running\",\"logs\":[]"
                        : "\"completed\",\"logs\":[{\"seq\":2,\"source\":\"stdout\",\"message\":\"two\"}]";
                default -> "\"completed\",\"logs\":[]";
            };
            FakeMagsServer.reply(exchange, 200, "{\"request_id\":\"j1\",\"status\":" + body + "}");
        });

        JobInfo end = mags.follow("j1", 0, lines::add);

        assertThat(end.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(messages()).containsExactly("one", "two");
    }

    @Test
    void pollingReadsEveryPageOfAFinishedJobWhoseAnswersAreCapped() {
        server.json("GET", "/api/v1/mags-jobs/j1/status", 200, job("j1", "completed", 0, null));
        server.on("GET", "/api/v1/mags-jobs/j1/logs", (request, exchange) -> {
            int after = Integer.parseInt(request.queryParams().getOrDefault("after", "0"));
            StringBuilder page = new StringBuilder();
            for (int seq = after + 1; seq <= Math.min(after + 2, 5); seq++) { // two lines per answer
                page.append(page.isEmpty() ? "" : ",").append("{\"seq\":").append(seq)
                        .append(",\"source\":\"stdout\",\"message\":\"l").append(seq).append("\"}");
            }
            FakeMagsServer.reply(exchange, 200, "{\"request_id\":\"j1\",\"status\":\"completed\",\"logs\":[" + page + "]}");
        });

        mags.follow("j1", 0, lines::add);

        assertThat(messages()).containsExactly("l1", "l2", "l3", "l4", "l5");
    }

    @Test
    void aSilentConnectionIsReplaced() {
        AtomicInteger connections = new AtomicInteger();
        server.on("GET", EVENTS, (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                if (connections.incrementAndGet() == 1) {
                    sse.log(1, "stdout", "one");
                    Thread.sleep(5_000);   // half-open: nothing more, not even keep-alives
                } else {
                    sse.status(job("j1", "completed", 0, null));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        try (Mags impatient = Mags.builder().baseUrl(server.uri()).token("tok")
                .streamIdleTimeout(Duration.ofMillis(300)).reconnectBackoff(Duration.ofMillis(10)).build()) {
            long start = System.nanoTime();
            JobInfo end = impatient.follow("j1", 0, lines::add);

            assertThat(end.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
        assertThat(server.requests("GET", EVENTS)).extracting(FakeMagsServer.Request::query)
                .containsExactly("after=0", "after=1");
    }

    @Test
    void returnsANonFinalStatusWhenTheServerEndsTheStreamAfterIt() {
        server.on("GET", EVENTS, (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                sse.log(1, "stdout", "ready").status(job("j1", "sleeping", null, null));
            }
        });

        assertThat(mags.follow("j1", 0, lines::add).status()).isEqualTo(JobStatus.SLEEPING);
    }

    @Test
    void aStreamThatEndsWhileTheJobIsPendingIsResumed() {
        AtomicInteger connections = new AtomicInteger();
        server.on("GET", EVENTS, (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                if (connections.incrementAndGet() == 1) {
                    sse.status(job("j1", "pending", null, null));
                } else {
                    sse.log(1, "stdout", "ran").status(job("j1", "completed", 0, null));
                }
            }
        });

        assertThat(mags.follow("j1", 0, lines::add).status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(messages()).containsExactly("ran");
    }

    @Test
    void runAndWaitCollectsEveryLine() {
        server.json("POST", "/api/v1/mags-jobs", 202, "{\"request_id\":\"j1\",\"status\":\"accepted\"}");
        server.on("GET", EVENTS, (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                sse.log(1, "stdout", "a").log(2, "stderr", "b").log(3, "stdout", "c")
                        .status(job("j1", "completed", 0, null));
            }
        });

        JobResult result = mags.runAndWait("echo a", Duration.ofSeconds(10));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEqualTo("a\nc");
        assertThat(result.stderr()).isEqualTo("b");
        assertThat(result.logs()).hasSize(3);
    }

    @Test
    void runAndWaitGivesUpAtTheTimeout() {
        server.json("POST", "/api/v1/mags-jobs", 202, "{\"request_id\":\"j1\",\"status\":\"accepted\"}");
        server.on("GET", EVENTS, (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                for (int i = 0; i < 50; i++) {
                    sse.comment();
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        long start = System.nanoTime();
        assertThatThrownBy(() -> mags.runAndWait("sleep 100", Duration.ofMillis(400)))
                .isInstanceOf(MagsTimeoutException.class)
                .hasMessageStartingWith("job j1 did not finish within 400ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
}
