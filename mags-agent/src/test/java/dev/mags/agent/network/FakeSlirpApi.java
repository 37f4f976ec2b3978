package dev.mags.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Plays slirp4netns's API socket: reads one JSON request per connection, records it, answers with
 * what {@code answer} returns, closes the connection.
 */
final class FakeSlirpApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerSocketChannel server;
    private final Path socket;
    private final List<JsonNode> requests = new ArrayList<>();
    private volatile Function<JsonNode, String> answer = request -> "{\"return\":{}}";

    private FakeSlirpApi(Path socket) throws IOException {
        this.socket = socket;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().start(this::serve);
    }

    static FakeSlirpApi start(Path socket) {
        try {
            return new FakeSlirpApi(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FakeSlirpApi answer(Function<JsonNode, String> answer) {
        this.answer = answer;
        return this;
    }

    synchronized List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                JsonNode request = readRequest(client);
                synchronized (this) {
                    requests.add(request);
                }
                client.write(ByteBuffer.wrap(answer.apply(request).getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Reads until the bytes so far form a JSON document (the client does not half-close, like for slirp4netns). */
    private static JsonNode readRequest(SocketChannel client) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (client.read(buffer) >= 0) {
            bytes.write(buffer.array(), 0, buffer.position());
            buffer.clear();
            try {
                return JSON.readTree(bytes.toByteArray());
            } catch (IOException incomplete) {
                // keep reading
            }
        }
        return JSON.readTree(bytes.toByteArray());
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
