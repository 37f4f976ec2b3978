package dev.mags.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mags.cli.command.CliContext;
import dev.mags.cli.config.CliEnvironment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;

/**
 * The training run of the CLI's ahead-of-time cache ({@code bin/mags} records one in the background
 * after a build): {@code mags run} and {@code mags status} against a stand-in for the API on loopback
 * that answers with one line of output and a completed status, so that the classes and code paths of
 * a real run are loaded and linked while nothing real runs. Prints nothing unless the run fails.
 */
public final class AotTraining {
    private static final String JOB = "{\"request_id\":\"aot-training\",\"name\":null,\"status\":\"completed\","
            + "\"script\":\"echo hi\",\"type\":\"inline\",\"image\":\"busybox\",\"exit_code\":0,\"error_message\":null,"
            + "\"created_at\":\"2026-01-01T00:00:00.000Z\",\"started_at\":\"2026-01-01T00:00:00.010Z\","
            + "\"finished_at\":\"2026-01-01T00:00:00.020Z\"}";

    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/", AotTraining::answer);
        api.start();
        Path home = Files.createTempDirectory("mags-aot-training");
        try {
            String url = "http://127.0.0.1:" + api.getAddress().getPort();
            StringWriter sink = new StringWriter();
            PrintWriter out = new PrintWriter(sink);
            CliContext ctx = new CliContext(
                    CliEnvironment.from(Map.of(CliEnvironment.API_URL, url, CliEnvironment.API_TOKEN, "mags_training"),
                            home.toString()),
                    out, out, new ConsolePrompt(null, new ByteArrayInputStream(new byte[0]), out),
                    new ShutdownHookInterrupts(), ZoneId.systemDefault());
            int code = MagsMain.run(new String[] {"run", "echo hi"}, ctx);
            if (code == 0) {
                code = MagsMain.run(new String[] {"status", "aot-training"}, ctx);
            }
            if (code != 0) { // the stand-in no longer matches the client: say so, the cache is not worth keeping
                out.flush();
                System.err.println("mags AOT training run failed (exit " + code + "):\n" + sink);
                System.exit(code);
            }
        } finally {
            api.stop(0);
            Files.deleteIfExists(home);
        }
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        exchange.getRequestBody().readAllBytes();
        String body;
        if (exchange.getRequestMethod().equals("POST")) {
            body = "{\"request_id\":\"aot-training\",\"status\":\"accepted\"}";
        } else if (path.endsWith("/events")) {
            body = "id:1\nevent:log\ndata:{\"seq\":1,\"timestamp\":\"2026-01-01T00:00:00.015Z\",\"source\":\"stdout\","
                    + "\"message\":\"hi\"}\n\nevent:status\ndata:" + JOB + "\n\n";
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        } else {
            body = JOB;
        }
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(bytes);
        }
    }
}
