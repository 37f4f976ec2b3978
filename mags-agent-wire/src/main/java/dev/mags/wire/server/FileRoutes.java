package dev.mags.wire.server;

import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.SandboxFiles;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.wire.Requests;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static dev.mags.wire.WireProtocol.PREFIX;

/**
 * A sandbox's files over the wire: each {@link SandboxFiles} call is one request, an open file is a handle the agent
 * keeps (read and written at positions the client gives) until the client closes it or the sandbox ends. Every
 * path is resolved by the agent's own {@code SandboxFiles}, which never leaves the sandbox's tree.
 */
final class FileRoutes {
    /** The most bytes one read answers; larger reads are several requests. */
    static final int MAX_READ = 1 << 20;
    /** Set on a read's answer at the end of the file (an empty answer alone could be a read of length 0). */
    static final io.undertow.util.HttpString END_OF_FILE = new io.undertow.util.HttpString(dev.mags.wire.WireProtocol.END_OF_FILE);
    private final Agent agent;
    private final Calls calls;
    private final OpenFiles open;

    FileRoutes(Agent agent, Calls calls, OpenFiles open) {
        this.agent = agent;
        this.calls = calls;
        this.open = open;
    }

    void register(RoutingHandler routes) {
        String files = PREFIX + "/sandboxes/{id}/files";
        routes.post(files + "/stat", call((f, r) -> f.stat(r.path(), Boolean.TRUE.equals(r.followLinks()))));
        routes.post(files + "/list", call((f, r) -> f.list(r.path())));
        routes.post(files + "/mkdir", call((f, r) -> done(() -> f.mkdir(r.path(), r.mode()))));
        routes.post(files + "/delete", call((f, r) -> done(() -> f.delete(r.path()))));
        routes.post(files + "/rename", call((f, r) -> done(() -> f.rename(r.path(), r.to(),
                Boolean.TRUE.equals(r.replace())))));
        routes.post(files + "/symlink", call((f, r) -> done(() -> f.symlink(r.path(), r.target()))));
        routes.post(files + "/readlink", call((f, r) -> Map.of("target", f.readLink(r.path()))));
        routes.post(files + "/mode", call((f, r) -> done(() -> f.setMode(r.path(), r.mode()))));
        routes.post(files + "/owner", call((f, r) -> done(() -> f.setOwner(r.path(), r.uid(), r.gid()))));
        routes.post(files + "/modified", call((f, r) -> done(() -> f.setModified(r.path(), r.modified()))));
        routes.post(files + "/open", calls.blocking(x -> {
            SandboxId id = SandboxRoutes.id(x);
            Requests.File r = calls.read(x, Requests.File.class);
            SeekableByteChannel channel = files(id).open(r.path(), options(r.options()), r.mode() == null ? 0644 : r.mode());
            return new Requests.OpenFile(open.add(id, channel));
        }));
        String handle = files + "/handles/{handle}";
        routes.get(handle, calls.blocking(this::read));
        routes.put(handle, calls.blocking(this::write));
        routes.get(handle + "/size", calls.blocking(x -> Map.of("size", channel(x).size())));
        routes.post(handle + "/truncate", calls.blocking(x -> {
            channel(x).truncate(Long.parseLong(param(x, "size")));
            return null;
        }));
        routes.delete(handle, calls.blocking(x -> {
            open.close(SandboxRoutes.id(x), Long.parseLong(param(x, "handle")));
            return null;
        }));
    }

    private Object read(HttpServerExchange x) throws IOException {
        SeekableByteChannel channel = channel(x);
        int length = Math.min(MAX_READ, Integer.parseInt(param(x, "length")));
        ByteBuffer buffer = ByteBuffer.allocate(length);
        channel.position(Long.parseLong(param(x, "position")));
        int n = 0;
        while (buffer.hasRemaining() && (n = channel.read(buffer)) > 0) {
            // fill what the file has up to the length asked for
        }
        buffer.flip();
        x.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
        if (n < 0 && buffer.remaining() == 0) {
            x.getResponseHeaders().put(END_OF_FILE, "true");
        }
        x.getResponseSender().send(buffer);
        return Calls.ANSWERED;
    }

    private Object write(HttpServerExchange x) throws IOException {
        SeekableByteChannel channel = channel(x);
        long position = Long.parseLong(param(x, "position"));
        long written = 0;
        try (InputStream in = x.getInputStream()) {
            byte[] chunk = new byte[64 * 1024];
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                ByteBuffer b = ByteBuffer.wrap(chunk, 0, n);
                channel.position(position + written);
                while (b.hasRemaining()) {
                    written += channel.write(b);
                }
            }
        }
        return Map.of("written", written);
    }

    private SeekableByteChannel channel(HttpServerExchange x) {
        return open.get(SandboxRoutes.id(x), Long.parseLong(param(x, "handle")));
    }

    private SandboxFiles files(SandboxId id) {
        return agent.sandbox(id).orElseThrow(() -> new AgentException(AgentErrorCode.NOT_FOUND,
                "sandbox " + id + " has ended")).files();
    }

    private interface FileCall {
        Object call(SandboxFiles files, Requests.File request) throws IOException;
    }

    private interface Action {
        void run() throws IOException;
    }

    private static Object done(Action action) throws IOException {
        action.run();
        return null;
    }

    private io.undertow.server.HttpHandler call(FileCall call) {
        return calls.blocking(x -> call.call(files(SandboxRoutes.id(x)), calls.read(x, Requests.File.class)));
    }

    private static Set<OpenOption> options(Set<String> names) {
        Set<OpenOption> options = new HashSet<>();
        for (String name : names == null ? Set.<String>of() : names) {
            options.add(name.equals("NOFOLLOW_LINKS") ? LinkOption.NOFOLLOW_LINKS : StandardOpenOption.valueOf(name));
        }
        return options;
    }

    private static String param(HttpServerExchange x, String name) {
        var values = x.getQueryParameters().get(name);
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("the call needs the parameter '" + name + "'");
        }
        return values.getFirst();
    }
}
