package dev.mags.cli;

import dev.mags.cli.command.CliContext;
import dev.mags.cli.config.CliEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The training runs of the CLI's ahead-of-time caches ({@code bin/mags} records them in the
 * background after a build), against a stand-in for the API on loopback that answers every request
 * with one line of output and a completed job, so that the classes and code paths of a real run are
 * loaded and linked while nothing real runs. Two caches, because a cache's classes are all loaded
 * at start-up: {@code run} trains only the direct path of a plain {@code mags run SCRIPT}
 * ({@code DirectRun}: the SDK's {@code QuickRun}); {@code full} trains the option
 * parser, the SDK and its JSON binding through {@code mags run -n NAME SCRIPT} and
 * {@code mags status}. Prints nothing unless a run fails.
 */
public final class AotTraining {
    private static final String JOB = "{\"request_id\":\"aot-training\",\"name\":null,\"status\":\"completed\","
            + "\"script\":\"echo hi\",\"type\":\"inline\",\"image\":\"busybox\",\"exit_code\":0,\"error_message\":null,"
            + "\"created_at\":\"2026-01-01T00:00:00.000Z\",\"started_at\":\"2026-01-01T00:00:00.010Z\","
            + "\"finished_at\":\"2026-01-01T00:00:00.020Z\"}";
    private static final String EVENTS = "id:1\nevent:log\ndata:{\"seq\":1,\"timestamp\":\"2026-01-01T00:00:00.015Z\","
            + "\"source\":\"stdout\",\"message\":\"hi\"}\n\nevent:status\ndata:" + JOB + "\n\n";

    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        boolean full = args.length > 0 && args[0].equals("full");
        try (ServerSocket api = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().daemon().start(() -> serve(api));
            Path home = Files.createTempDirectory("mags-aot-training");
            try {
                StringWriter sink = new StringWriter();
                PrintWriter out = new PrintWriter(sink);
                // The process's own context, as main makes it (the commands trained read no input and prompt for nothing).
                CliContext ctx = MagsMain.processContext(
                        CliEnvironment.from(Map.of(CliEnvironment.API_URL, "http://127.0.0.1:" + api.getLocalPort(),
                                CliEnvironment.API_TOKEN, "mags_training"), home.toString()), out, out);
                int code = full ? MagsMain.run(new String[] {"run", "--job-name", "training", "echo hi"}, ctx)
                        : MagsMain.run(new String[] {"run", "echo hi"}, ctx);
                if (code == 0 && full) {
                    code = MagsMain.run(new String[] {"status", "aot-training"}, ctx);
                }
                if (code != 0) { // the stand-in no longer matches the client: say so, the cache is not worth keeping
                    out.flush();
                    System.err.println("mags AOT training run failed (exit " + code + "):\n" + sink);
                    System.exit(code);
                }
            } finally {
                server.interrupt();
                Files.deleteIfExists(home);
            }
        }
    }

    /** Answers each connection once: the body of a request is read by its Content-Length. */
    private static void serve(ServerSocket api) {
        while (!api.isClosed()) {
            try (Socket socket = api.accept()) {
                InputStream in = socket.getInputStream();
                String requestLine = readLine(in);
                int length = 0;
                for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                in.readNBytes(length);
                String path = requestLine.split(" ")[1];
                String type = path.contains("/events") ? "text/event-stream" : "application/json";
                String body = requestLine.startsWith("POST ") ? "{\"request_id\":\"aot-training\",\"status\":\"accepted\"}"
                        : path.contains("/events") ? EVENTS : JOB;
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                OutputStream os = socket.getOutputStream();
                os.write(("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nContent-Length: " + bytes.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                os.write(bytes);
                os.flush();
            } catch (IOException | RuntimeException e) {
                if (!api.isClosed()) {
                    System.err.println("mags AOT training stand-in: " + e);
                }
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
