package dev.mags.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * slirp4netns's API socket: one JSON request per connection, answered by {@code {"return": ...}} or
 * {@code {"error": {"desc": ...}}}, then the connection closes. Every call is bounded by a timeout.
 */
public final class SlirpApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest path a Unix socket address can hold ({@code sun_path} is 108 bytes with its NUL). */
    public static final int MAX_SOCKET_PATH = 107;

    /** A forward from {@code hostAddr:hostPort} on the host to {@code guestAddr:guestPort} in the sandbox. */
    public record HostForward(int id, String proto, String hostAddr, int hostPort, String guestAddr, int guestPort) {}

    /** slirp4netns answered with an error: the request was understood and refused. */
    public static final class Refused extends NetworkException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private final Path socket;
    private final Duration timeout;

    public SlirpApi(Path socket, Duration timeout) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    public Path socket() {
        return socket;
    }

    /** Adds a TCP forward and returns its id. */
    public int addHostForward(String hostAddr, int hostPort, int guestPort) {
        ObjectNode args = JSON.createObjectNode()
                .put("proto", "tcp").put("host_addr", hostAddr).put("host_port", hostPort).put("guest_port", guestPort);
        return call("add_hostfwd", args).path("id").asInt(-1);
    }

    public void removeHostForward(int id) {
        call("remove_hostfwd", JSON.createObjectNode().put("id", id));
    }

    public List<HostForward> listHostForwards() {
        List<HostForward> forwards = new ArrayList<>();
        for (JsonNode e : call("list_hostfwd", null).path("entries")) {
            forwards.add(new HostForward(e.path("id").asInt(), e.path("proto").asText(), e.path("host_addr").asText(),
                    e.path("host_port").asInt(), e.path("guest_addr").asText(), e.path("guest_port").asInt()));
        }
        return forwards;
    }

    /** The request line for {@code execute} with {@code arguments} (none if null). */
    static String request(String execute, ObjectNode arguments) {
        ObjectNode request = JSON.createObjectNode().put("execute", execute);
        if (arguments != null) {
            request.set("arguments", arguments);
        }
        return request.toString();
    }

    /** The {@code return} value of a reply; a {@link Refused} for an {@code error} reply. */
    static JsonNode parseReply(String request, String reply) {
        JsonNode node;
        try {
            node = JSON.readTree(reply);
        } catch (IOException e) {
            throw new NetworkException("slirp4netns answered " + request + " with something that is not JSON: " + reply, e);
        }
        if (node == null || !node.isObject()) {
            throw new NetworkException("slirp4netns answered " + request + " with '" + reply + "'");
        }
        if (node.has("error")) {
            throw new Refused("slirp4netns refused " + request + ": " + node.path("error").path("desc").asText(node.toString()));
        }
        return node.path("return");
    }

    private JsonNode call(String execute, ObjectNode arguments) {
        String request = request(execute, arguments);
        return parseReply(request, exchange(request));
    }

    /**
     * One request and its reply, on the calling thread: a non-blocking channel and a selector, so that no other
     * thread has to be scheduled for the reply to be seen. The deadline is judged only after a poll that found the
     * channel not ready: a process that stalled (a loaded host, a paused VM) and resumes after the deadline still
     * reads a reply that arrived meanwhile, instead of calling it a timeout.
     */
    private String exchange(String request) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, 0);
            if (!channel.connect(UnixDomainSocketAddress.of(socket))) {
                await(selector, key, SelectionKey.OP_CONNECT, deadline, request);
                channel.finishConnect();
            }
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    await(selector, key, SelectionKey.OP_WRITE, deadline, request);
                }
            }
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (true) {
                int n = channel.read(in);
                if (n < 0) {
                    return reply.toString(StandardCharsets.UTF_8);
                }
                if (n == 0) {
                    await(selector, key, SelectionKey.OP_READ, deadline, request);
                    continue;
                }
                reply.write(in.array(), 0, in.position());
                in.clear();
            }
        } catch (IOException e) {
            throw new NetworkException("cannot send " + request + " to slirp4netns API " + socket + ": " + e, e);
        }
    }

    /** Waits until {@code key}'s channel is ready for {@code op}; a timeout only once a poll found it not ready. */
    private void await(Selector selector, SelectionKey key, int op, long deadline, String request) throws IOException {
        key.interestOps(op);
        while (true) {
            long left = deadline - System.nanoTime();
            int ready = selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            selector.selectedKeys().clear();
            if (ready > 0 && (key.readyOps() & op) != 0) {
                return;
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new NetworkException("interrupted while talking to slirp4netns API " + socket);
            }
            if (System.nanoTime() - deadline >= 0 && selector.selectNow() == 0) {
                throw new NetworkException("slirp4netns API " + socket + " did not answer " + request + " within "
                        + timeout.toMillis() + " ms");
            }
            selector.selectedKeys().clear();
            if ((key.readyOps() & op) != 0) {
                return;
            }
        }
    }
}
