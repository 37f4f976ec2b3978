package dev.mags.sdk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server that dies while answering: it reads one request, then closes that connection without a word
 * and stops listening, so that whatever comes next is refused - as a mags server killed right after it
 * carried a request out, but before its answer left.
 */
public final class LostAnswerServer implements AutoCloseable {
    private final ServerSocket listener;
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private LostAnswerServer(boolean keepListening) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("lost-answer-server")
                .start(keepListening ? this::serveEach : this::serveOne);
    }

    public static LostAnswerServer start() {
        return start(false);
    }

    /** One that goes on listening, closing every connection after its request without an answer. */
    public static LostAnswerServer startListening() {
        return start(true);
    }

    private static LostAnswerServer start(boolean keepListening) {
        try {
            return new LostAnswerServer(keepListening);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the lost-answer server", e);
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** The request line ("POST /path HTTP/1.1") of each request that arrived. */
    public List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    private void serveOne() {
        try (listener; Socket s = listener.accept()) {
            requestLines.add(readHead(s.getInputStream()).lines().findFirst().orElse(""));
        } catch (IOException e) {
            // closed before a request came
        }
    }

    private void serveEach() {
        while (!listener.isClosed()) {
            try (Socket s = listener.accept()) {
                requestLines.add(readHead(s.getInputStream()).lines().findFirst().orElse(""));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
            if (matched == end.length) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            listener.close();
            acceptor.join(5000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
