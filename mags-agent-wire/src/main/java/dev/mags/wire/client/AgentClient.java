package dev.mags.wire.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.wire.WireError;
import dev.mags.wire.WireProtocol;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP (or HTTPS) to one agent: JSON calls (through the JDK's client, connections kept alive) and upgraded
 * connections (a socket of its own, so that the caller owns the stream afterwards). Failures come back as the
 * exceptions the agent threw (see {@link WireError}); an agent that cannot be reached, or whose certificate does not
 * pass, is {@link AgentErrorCode#UNREACHABLE}.
 */
final class AgentClient implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private final URI base;
    private final String authorization;
    private final String secret;
    private final ObjectMapper json;
    private final HttpClient http;
    private final boolean https;
    private final int port;
    private final SSLContext tls;
    private final ExecConnections execs = new ExecConnections();

    /**
     * @param tls what an {@code https} agent's certificate is checked against (its host name included); null for
     *            the JDK's trusted CAs. Unused for an {@code http} agent.
     */
    AgentClient(URI base, String secret, SSLContext tls, ObjectMapper json) {
        this.base = base;
        this.authorization = "Bearer " + secret;
        this.secret = secret;
        this.json = json;
        this.https = "https".equalsIgnoreCase(base.getScheme());
        this.port = base.getPort() != -1 ? base.getPort() : https ? 443 : 80;
        this.tls = tls != null ? tls : defaultContext();
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .sslContext(this.tls).build();
    }

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no TLS", e);
        }
    }

    /** What the agent's certificate is checked against; null for an {@code http} agent. */
    SSLContext tls() {
        return https ? tls : null;
    }

    ObjectMapper json() {
        return json;
    }

    URI base() {
        return base;
    }

    String secret() {
        return secret;
    }

    /** A call that throws only unchecked exceptions (an {@link IOException} of the agent as unchecked). */
    <T> T call(String method, String path, Object body, JavaType answer) {
        try {
            return callIo(method, path, body, answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    <T> T call(String method, String path, Object body, Class<T> answer) {
        return call(method, path, body, json.constructType(answer));
    }

    /** A call whose agent-side {@link IOException}s are thrown as such; null for a 204. */
    <T> T callIo(String method, String path, Object body, JavaType answer) throws IOException {
        HttpResponse<byte[]> response = send(method, path, body == null ? null : json.writeValueAsBytes(body),
                "application/json");
        return response.statusCode() == 204 ? null : json.readValue(response.body(), answer);
    }

    /** A call with raw bytes in ({@code body}, may be null) and out; a failure is thrown as in {@link #callIo}. */
    HttpResponse<byte[]> send(String method, String path, byte[] body, String contentType) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(WireProtocol.PREFIX + path))
                .header("Authorization", authorization)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException(AgentErrorCode.UNREACHABLE, "interrupted while calling the agent at " + base, e);
        }
        if (response.statusCode() / 100 == 2) {
            return response;
        }
        throw failure(response.statusCode(), response.body());
    }

    /**
     * Opens an upgraded connection to {@code path}: returns the socket once the agent answered 101, positioned at
     * the first byte of the new protocol.
     */
    Socket upgrade(String path, String token) throws IOException {
        return upgrade(path, token, "").socket();
    }

    /** A new exec connection to the sandbox, which the agent is asked to keep for the sandbox's next exec. */
    ExecConnections.Connection openExec(String sandboxId) throws IOException {
        Upgraded up = upgrade("/sandboxes/" + sandboxId + "/exec", WireProtocol.EXEC_UPGRADE,
                WireProtocol.EXEC_KEEP + ": 1\r\n");
        Socket socket = up.socket();
        return new ExecConnections.Connection(socket,
                new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024)),
                new DataOutputStream(new BufferedOutputStream(socket.getOutputStream())), up.head().execKept());
    }

    /** Exec connections kept between the execs of each sandbox. */
    ExecConnections execs() {
        return execs;
    }

    private record Upgraded(Socket socket, ResponseHead head) {}

    private Upgraded upgrade(String path, String token, String headerLines) throws IOException {
        Socket socket = connect();
        try {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + WireProtocol.PREFIX + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + port
                    + "\r\nAuthorization: " + authorization + "\r\nConnection: Upgrade\r\nUpgrade: " + token
                    + "\r\n" + headerLines + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            ResponseHead head = ResponseHead.read(socket.getInputStream());
            if (head.status() == 101) {
                return new Upgraded(socket, head);
            }
            byte[] body = socket.getInputStream().readNBytes(head.contentLength());
            socket.close();
            throw failure(head.status(), body);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A connection to the agent; for an {@code https} agent, one whose handshake checked the agent's certificate. */
    private Socket connect() throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(base.getHost(), port), (int) CONNECT_TIMEOUT.toMillis());
            plain.setTcpNoDelay(true);
        } catch (IOException e) {
            plain.close();
            throw unreachable(e);
        }
        if (!https) {
            return plain;
        }
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, base.getHost(), port, true);
        try {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout((int) CONNECT_TIMEOUT.toMillis());
            socket.startHandshake();
            socket.setSoTimeout(0);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw unreachable(e);
        }
    }

    private IOException failure(int status, byte[] body) throws IOException {
        WireError error;
        try {
            error = json.readValue(body, WireError.class);
        } catch (IOException e) {
            error = null;
        }
        if (error == null || error.kind() == null) {
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "the agent at " + base + " answered " + status + ": "
                    + new String(body, StandardCharsets.UTF_8));
        }
        if (error.kind().equals("unauthorized")) {
            throw new AgentException(AgentErrorCode.UNREACHABLE, "the agent at " + base + " refused the agent secret: "
                    + "give the control plane and the agent the same --agent-secret-file");
        }
        Exception e = error.toException();
        if (e instanceof IOException io) {
            return io;
        }
        throw (RuntimeException) e;
    }

    private AgentException unreachable(IOException e) {
        if (e instanceof SSLException || e.getCause() instanceof SSLException) {
            return new AgentException(AgentErrorCode.UNREACHABLE, "the agent at " + base + " did not pass the TLS"
                    + " handshake (" + e.getMessage() + "): give the control plane the CA of the agents' certificates"
                    + " with --agent-ca, and each agent a certificate for the host name of its --advertise-url", e);
        }
        return new AgentException(AgentErrorCode.UNREACHABLE, "the agent at " + base + " cannot be reached: " + e, e);
    }

    @Override
    public void close() {
        execs.close();
        http.close();
    }

    /**
     * The status line and the headers an upgrade needs (a refusal's length, an exec connection's keep); read byte by
     * byte so nothing after is consumed.
     */
    record ResponseHead(int status, int contentLength, boolean execKept) {
        static ResponseHead read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the agent closed the connection before answering");
                }
                head.write(b);
                matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                        ? matched + 1 : (b == '\r' ? 1 : 0);
                if (head.size() > 16 * 1024) {
                    throw new IOException("the agent's answer head is over 16 KiB");
                }
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            int length = 0;
            boolean kept = false;
            String keep = WireProtocol.EXEC_KEEP.toLowerCase(Locale.ROOT) + ":";
            for (String line : lines) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).trim());
                } else if (lower.startsWith(keep)) {
                    kept = line.substring(keep.length()).trim().equals("1");
                }
            }
            return new ResponseHead(status, length, kept);
        }
    }
}
