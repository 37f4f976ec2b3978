package dev.mags.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium, driven through the DevTools protocol over the JDK's WebSocket client: it opens a
 * page as a visitor's browser would (it resolves {@code *.localhost} to the loopback address itself) and the test
 * reads the page's text as its scripts have left it.
 */
public final class Chromium implements AutoCloseable {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on ws://127\\.0\\.0\\.1:(\\d+)/");
    private static final Duration START = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final StringBuffer stderr = new StringBuffer();
    private final HttpClient http = HttpClient.newHttpClient();

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts a browser whose profile and temporary files are in {@code dir}, so that it leaves nothing elsewhere;
     * as root it needs {@code --no-sandbox}.
     */
    public Chromium(Path dir) {
        ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--remote-debugging-port=0", "--window-size=1280,900",
                "--user-data-dir=" + dir.resolve("profile"), "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("TMPDIR", dir.resolve("tmp").toString());
        try {
            Files.createDirectories(dir.resolve("tmp"));
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> readStderr(listening));
        try {
            port = listening.get(START.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new AssertionError("chromium printed no DevTools address within " + START + ":\n" + stderr, e);
        }
    }

    private void readStderr(CompletableFuture<Integer> listening) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                Matcher m = LISTENING.matcher(l);
                if (m.find()) {
                    listening.complete(Integer.parseInt(m.group(1)));
                } else if (stderr.length() < 64 * 1024) {
                    stderr.append(l).append('\n');
                }
            }
        } catch (IOException e) {
            stderr.append("<stderr: ").append(e).append(">\n");
        } finally {
            listening.completeExceptionally(new IllegalStateException("chromium's stderr ended"));
        }
    }

    /**
     * Opens {@code url} in the browser's page and reads the page's text ({@code innerText}) until it contains
     * {@code expected}; fails with the last text read once {@code wait} has passed.
     */
    public String awaitText(String url, String expected, Duration wait) throws Exception {
        try (Cdp page = new Cdp(http, pageSocket())) {
            page.call("Page.navigate", Map.of("url", url));
            long deadline = System.nanoTime() + wait.toNanos();
            String text = "";
            while (System.nanoTime() < deadline) {
                JsonNode r = page.call("Runtime.evaluate", Map.of("expression",
                        "document.body ? document.body.innerText : ''", "returnByValue", true));
                text = r.path("result").path("value").asText();
                if (text.contains(expected)) {
                    return text;
                }
                Thread.sleep(100);
            }
            throw new AssertionError("the page at " + url + " never showed '" + expected + "' within " + wait
                    + "; it shows: " + text);
        }
    }

    /** Opens {@code url} in the page (the tab keeps its session storage across navigations of one origin). */
    public void open(String url) throws Exception {
        try (Cdp page = new Cdp(http, pageSocket())) {
            page.call("Page.navigate", Map.of("url", url));
        }
    }

    /** Runs {@code expression} in the page (a promise is awaited) and returns its value as text. */
    public String evaluate(String expression) throws Exception {
        try (Cdp page = new Cdp(http, pageSocket())) {
            JsonNode r = page.call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                    "awaitPromise", true));
            if (r.has("exceptionDetails")) {
                throw new AssertionError("the page's script failed: " + r.path("exceptionDetails"));
            }
            return r.path("result").path("value").asText();
        }
    }

    /** The page's text once it contains {@code expected}, without navigating; fails after {@code wait}. */
    public String awaitPageText(String expected, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        String text = "";
        while (System.nanoTime() < deadline) {
            text = evaluate("document.body ? document.body.innerText : ''");
            if (text.contains(expected)) {
                return text;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the page never showed '" + expected + "' within " + wait + "; it shows: " + text);
    }

    /**
     * Opens {@code url} and returns the milliseconds from the start of that navigation until an element matching
     * {@code selector} is in the page (the browser's own clock: {@code performance.now()} when a mutation
     * observer, installed before the page's first script, sees it); fails after {@code wait}.
     */
    public double timedLoad(String url, String selector, Duration wait) throws Exception {
        String watch = "(() => { const seen = () => { if (window.__magsShown == null && document.querySelector("
                + JSON.writeValueAsString(selector) + ")) { window.__magsShown = performance.now(); } };"
                + " new MutationObserver(seen).observe(document, { childList: true, subtree: true }); })();";
        try (Cdp page = new Cdp(http, pageSocket())) {
            page.call("Page.enable", Map.of());
            String script = page.call("Page.addScriptToEvaluateOnNewDocument", Map.of("source", watch))
                    .path("identifier").asText();
            try {
                page.call("Page.navigate", Map.of("url", url));
                long deadline = System.nanoTime() + wait.toNanos();
                while (System.nanoTime() < deadline) {
                    JsonNode r = page.call("Runtime.evaluate", Map.of("expression", "window.__magsShown ?? null",
                            "returnByValue", true));
                    JsonNode shown = r.path("result").path("value");
                    if (shown.isNumber()) {
                        return shown.asDouble();
                    }
                    Thread.sleep(5);
                }
                throw new AssertionError("the page at " + url + " never showed " + selector + " within " + wait);
            } finally {
                page.call("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script));
            }
        }
    }

    /** Saves what the page shows now as a PNG file at {@code file} (its directory is made). */
    public void screenshot(Path file) throws Exception {
        try (Cdp page = new Cdp(http, pageSocket())) {
            JsonNode r = page.call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, java.util.Base64.getDecoder().decode(r.path("data").asText()));
        }
    }

    /** The DevTools WebSocket of the browser's first page (about:blank, opened at start). */
    private URI pageSocket() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode target : JSON.readTree(r.body())) {
            if (target.path("type").asText().equals("page")) {
                return URI.create(target.path("webSocketDebuggerUrl").asText());
            }
        }
        throw new AssertionError("chromium has no page: " + r.body());
    }

    @Override
    public void close() {
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        helpers.forEach(ProcessHandle::destroyForcibly); // its renderer and zygote processes, should any be left
        http.close();
    }

    /** One DevTools session: calls answered by id; events are not needed and dropped. */
    private static final class Cdp implements WebSocket.Listener, AutoCloseable {
        private static final Duration CALL = Duration.ofSeconds(30);
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;

        Cdp(HttpClient http, URI uri) {
            socket = http.newWebSocketBuilder().buildAsync(uri, this).join();
        }

        JsonNode call(String method, Map<String, Object> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            socket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true).join();
            JsonNode a = answer.get(CALL.toSeconds(), TimeUnit.SECONDS);
            if (a.has("error")) {
                throw new AssertionError(method + " failed: " + a.get("error"));
            }
            return a.path("result");
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(partial.toString());
                    CompletableFuture<JsonNode> waiting = message.has("id") ? pending.remove(message.get("id").asInt()) : null;
                    if (waiting != null) {
                        waiting.complete(message);
                    }
                } catch (IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
