package dev.mags.cli.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.ApiPaths;
import dev.mags.api.ExecEnd;
import dev.mags.api.ExecRequest;
import dev.mags.cli.command.CliException;
import dev.mags.sdk.MagsJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * An exec on the server's WebSocket ({@code GET /mags-jobs/{id}/exec}): sends the request, then stdin, resizes
 * and signals as frames; writes stdout and stderr frames to their streams as they come, asking for the next frame
 * only once one is written (a slow terminal or pipe slows the command), until the exit frame. Sends are
 * serialised: the JDK's WebSocket takes one at a time.
 */
public final class SocketExec implements WebSocket.Listener {
    /** The exit code when mags itself failed or the command had none. */
    public static final int FAILED = 125;
    /** 128 + SIGINT: the user gave up on the command with a second Ctrl-C. */
    public static final int INTERRUPTED = 130;
    private static final ObjectMapper JSON = MagsJson.newMapper();

    private final OutputStream out;
    private final OutputStream err;
    private final CompletableFuture<ExecEnd> end = new CompletableFuture<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private WebSocket socket;

    private SocketExec(OutputStream out, OutputStream err) {
        this.out = out;
        this.err = err;
    }

    /** Connects, authenticated by {@code token}, and sends {@code request}; the command then runs. */
    public static SocketExec open(URI apiUrl, String token, String name, ExecRequest request, OutputStream out,
            OutputStream err) {
        SocketExec exec = new SocketExec(out, err);
        URI uri = URI.create(apiUrl.toString().replaceFirst("^http", "ws").replaceAll("/+$", "")
                + ApiPaths.job(URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"), "exec"));
        try {
            exec.socket = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token).buildAsync(uri, exec).join();
            exec.socket.sendText(JSON.writeValueAsString(request), true).join();
        } catch (CompletionException e) {
            throw refused(e.getCause() == null ? e : e.getCause(), name, apiUrl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return exec;
    }

    private static CliException refused(Throwable cause, String name, URI apiUrl) {
        if (cause instanceof WebSocketHandshakeException h) {
            int status = h.getResponse().statusCode();
            String message = switch (status) {
                case 401 -> "the server refused the API token; run 'mags login' or set MAGS_API_TOKEN";
                case 404 -> "no job or workspace named '" + name + "' among yours; `mags list` shows your jobs,"
                        + " `mags new " + name + "` starts a sandbox of that name";
                case 409 -> "sandbox '" + name + "' cannot take commands now; see `mags status " + name + "`";
                case 429 -> "you run as many commands in sandboxes at once as the server allows; wait for one to end";
                case 503 -> "the server does not run commands in live sandboxes (exec is not enabled on it);"
                        + " run it as a job: mags run 'COMMAND'";
                default -> "the server answered HTTP " + status + " to the exec request";
            };
            return new CliException(message, status == 401 ? CliException.CONFIG : FAILED);
        }
        return new CliException("cannot reach the mags server at " + apiUrl + ": " + describe(cause)
                + "; is magsd running there (check MAGS_API_URL or 'mags login --url')?", FAILED);
    }

    /** What went wrong, in words (the JDK's refused connection carries no message). */
    private static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (c.getMessage() != null) {
                return c.getMessage();
            }
        }
        return t.getClass().getSimpleName();
    }

    public void stdin(byte[] data, int offset, int length) {
        send(0, data, offset, length);
    }

    /** End of file on the command's stdin. */
    public void endOfInput() {
        send(0, new byte[0], 0, 0);
    }

    public void resize(int cols, int rows) {
        byte[] json = ("{\"cols\":" + cols + ",\"rows\":" + rows + "}").getBytes(StandardCharsets.US_ASCII);
        send(4, json, 0, json.length);
    }

    public void signal(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        send(5, bytes, 0, bytes.length);
    }

    /**
     * Stops waiting for the command: the socket closes, which hangs the command up on the server, and
     * {@link #await()} ends with exit status 130.
     */
    public void abandon() {
        if (end.completeExceptionally(new Abandoned())) {
            socket.abort();
        }
    }

    private static final class Abandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** Waits for the exit frame; a socket that closes without one is a failure. */
    public ExecEnd await() {
        try {
            return end.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof Abandoned) {
                throw new CliException("interrupted; the command was hung up on the server", INTERRUPTED);
            }
            throw new CliException("the connection to the server broke before the command ended (" + cause.getMessage()
                    + "); it may still have run to its end", FAILED);
        }
    }

    private synchronized void send(int channel, byte[] data, int offset, int length) {
        if (end.isDone()) {
            return;
        }
        ByteBuffer frame = ByteBuffer.allocate(length + 1).put((byte) channel).put(data, offset, length).flip();
        try {
            socket.sendBinary(frame, true).join();
        } catch (CompletionException e) {
            // the socket closed: the exit frame, or its absence, tells the outcome
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        partial.writeBytes(bytes);
        if (last) {
            byte[] frame = partial.toByteArray();
            partial.reset();
            try {
                deliver(frame);
            } catch (IOException e) {
                end.completeExceptionally(e);
            }
        }
        webSocket.request(1);
        return null;
    }

    private void deliver(byte[] frame) throws IOException {
        if (frame.length == 0) {
            return;
        }
        switch (frame[0]) {
            case 1 -> {
                out.write(frame, 1, frame.length - 1);
                out.flush();
            }
            case 2 -> {
                err.write(frame, 1, frame.length - 1);
                err.flush();
            }
            case 3 -> end.complete(JSON.readValue(frame, 1, frame.length - 1, ExecEnd.class));
            default -> { } // a channel of a newer server: nothing this client knows to do with it
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        end.completeExceptionally(new IOException("the server closed the connection (" + statusCode
                + (reason.isEmpty() ? "" : ", " + reason) + ")"));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end.completeExceptionally(error);
    }
}
