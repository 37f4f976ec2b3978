package dev.mags.wire.server;

import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.SandboxId;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The files clients have open in sandboxes, by handle; all of a sandbox's are closed when it ends. */
final class OpenFiles {
    private static final Logger LOG = LoggerFactory.getLogger(OpenFiles.class);
    /** More open files than this on one agent is a client that forgets to close them. */
    static final int MAX_OPEN = 4096;
    private record Key(SandboxId sandbox, long handle) {}

    private final EndedSandboxes ended;
    private final AtomicLong next = new AtomicLong(1);
    private final Map<Key, SeekableByteChannel> open = new ConcurrentHashMap<>();

    OpenFiles(EndedSandboxes ended) {
        this.ended = ended;
    }

    long add(SandboxId sandbox, SeekableByteChannel channel) throws IOException {
        if (open.size() >= MAX_OPEN) {
            channel.close();
            throw new IOException("the agent has " + MAX_OPEN + " files open; close some first");
        }
        long handle = next.getAndIncrement();
        open.put(new Key(sandbox, handle), channel);
        ended.end(sandbox).ifPresent(end -> end.whenComplete((e, t) -> closeAll(sandbox)));
        return handle;
    }

    SeekableByteChannel get(SandboxId sandbox, long handle) {
        SeekableByteChannel channel = open.get(new Key(sandbox, handle));
        if (channel == null) {
            throw new AgentException(AgentErrorCode.NOT_FOUND, "no open file " + handle + " in sandbox " + sandbox
                    + " (closed, or the sandbox ended)");
        }
        return channel;
    }

    void close(SandboxId sandbox, long handle) throws IOException {
        SeekableByteChannel channel = open.remove(new Key(sandbox, handle));
        if (channel != null) {
            channel.close();
        }
    }

    private void closeAll(SandboxId sandbox) {
        open.keySet().removeIf(key -> {
            if (!key.sandbox().equals(sandbox)) {
                return false;
            }
            try {
                SeekableByteChannel channel = open.get(key);
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                LOG.debug("closing a file of ended sandbox {}", sandbox, e);
            }
            return true;
        });
    }
}
