package dev.mags.sdk;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for the mags server in unit tests: the JDK's HttpServer on a free loopback port,
 * answering routes registered by the test and recording every request. Unregistered routes get
 * a 404 in the API's error shape.
 */
public final class FakeMagsServer implements AutoCloseable {

    /** One recorded request. */
    public record Request(String method, String path, String query, Headers headers, String body) {
        public String header(String name) {
            return headers.getFirst(name);
        }

        public Map<String, String> queryParams() {
            Map<String, String> params = new LinkedHashMap<>();
            if (query != null && !query.isEmpty()) {
                for (String pair : query.split("&")) {
                    int eq = pair.indexOf('=');
                    String key = eq < 0 ? pair : pair.substring(0, eq);
                    String value = eq < 0 ? "" : pair.substring(eq + 1);
                    params.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
                }
            }
            return params;
        }
    }

    @FunctionalInterface
    public interface Handler {
        void handle(Request request, HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private FakeMagsServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    public static FakeMagsServer start() {
        try {
            return new FakeMagsServer();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake mags server", e);
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public FakeMagsServer on(String method, String path, Handler handler) {
        routes.put(method + " " + path, handler);
        return this;
    }

    /** Answers {@code method path} with a fixed JSON body. */
    public FakeMagsServer json(String method, String path, int status, String body) {
        return on(method, path, (request, exchange) -> reply(exchange, status, body));
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String method, String path) {
        List<Request> matching = new ArrayList<>();
        for (Request r : requests) {
            if (r.method().equals(method) && r.path().equals(path)) {
                matching.add(r);
            }
        }
        return matching;
    }

    /** The only request made to {@code method path}; fails when there was not exactly one. */
    public Request single(String method, String path) {
        List<Request> matching = requests(method, path);
        if (matching.size() != 1) {
            throw new AssertionError("expected one " + method + " " + path + ", got " + matching.size() + ": " + requests);
        }
        return matching.getFirst();
    }

    public static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Starts an event stream on {@code exchange}; the caller writes events and closes it. */
    public static SseWriter sse(HttpExchange exchange) throws IOException {
        return new SseWriter(exchange);
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            URI uri = exchange.getRequestURI();
            Request request = new Request(exchange.getRequestMethod(), uri.getPath(), uri.getRawQuery(),
                    exchange.getRequestHeaders(), body);
            requests.add(request);
            Handler handler = routes.get(request.method() + " " + request.path());
            if (handler == null) {
                reply(exchange, 404, "{\"error\":{\"code\":\"no_route\",\"message\":\"no fake route for "
                        + request.method() + " " + request.path() + "\"}}");
                return;
            }
            handler.handle(request, exchange);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Writes server-sent events, flushing each one so the client sees it at once. */
    public static final class SseWriter implements AutoCloseable {
        private final HttpExchange exchange;
        private final OutputStream out;

        private SseWriter(HttpExchange exchange) throws IOException {
            this.exchange = exchange;
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            this.out = exchange.getResponseBody();
        }

        public SseWriter log(long seq, String source, String message) throws IOException {
            String data = "{\"seq\":" + seq + ",\"timestamp\":\"2025-01-01T00:00:0" + (seq % 10)
                    + "Z\",\"source\":\"" + source + "\",\"message\":" + quote(message) + "}";
            return raw("event: log\nid: " + seq + "\ndata: " + data + "\n\n");
        }

        public SseWriter status(String jobJson) throws IOException {
            return raw("event: status\ndata: " + jobJson + "\n\n");
        }

        public SseWriter comment() throws IOException {
            return raw(": keep-alive\n\n");
        }

        public SseWriter raw(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return this;
        }

        @Override
        public void close() throws IOException {
            out.close();
            exchange.close();
        }
    }

    /** {@code s} as a JSON string literal. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A {@code JobInfo} JSON object with the given status, exit code and error message. */
    public static String job(String id, String status, Integer exitCode, String errorMessage) {
        return "{\"request_id\":\"" + id + "\",\"name\":null,\"status\":\"" + status + "\",\"script\":\"echo hi\","
                + "\"type\":\"inline\",\"image\":\"debian\",\"exit_code\":" + exitCode + ",\"error_message\":"
                + (errorMessage == null ? "null" : quote(errorMessage))
                + ",\"created_at\":\"2025-01-02T03:04:05Z\",\"started_at\":\"2025-01-02T03:04:06Z\","
                + "\"finished_at\":" + (status.equals("completed") || status.equals("error") ? "\"2025-01-02T03:04:08.500Z\"" : "null")
                + "}";
    }
}
