package dev.mags.wire.client;

import dev.mags.wire.WireProtocol;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * A file open in a remote sandbox. The position is kept here and sent with each read and write, so that a read is one
 * request of up to 1 MiB; in APPEND mode every write goes to the end of the file, as on a local channel.
 */
final class RemoteChannel implements SeekableByteChannel {
    /** The most bytes one request carries, each way (the agent refuses bodies over 2 MiB). */
    private static final int MAX_READ = 1 << 20;
    private static final int MAX_PART = 1 << 20;
    private final AgentClient client;
    private final String path;
    private final boolean append;
    private long position;
    private boolean open = true;

    RemoteChannel(AgentClient client, String path, Set<? extends OpenOption> options) {
        this.client = client;
        this.path = path;
        this.append = options.contains(StandardOpenOption.APPEND);
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        int length = Math.min(dst.remaining(), MAX_READ);
        HttpResponse<byte[]> answer = client.send("GET", path + "?position=" + position + "&length=" + length, null, null);
        byte[] data = answer.body();
        if (data.length == 0 && answer.headers().firstValue(WireProtocol.END_OF_FILE).isPresent()) {
            return -1;
        }
        dst.put(data);
        position += data.length;
        return data.length;
    }

    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
        ensureOpen();
        if (append) {
            position = size();
        }
        int written = 0;
        while (src.hasRemaining()) {
            byte[] data = new byte[Math.min(src.remaining(), MAX_PART)];
            src.get(data);
            client.send("PUT", path + "?position=" + position, data, "application/octet-stream");
            position += data.length;
            written += data.length;
        }
        return written;
    }

    @Override
    public synchronized long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public synchronized SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public synchronized long size() throws IOException {
        ensureOpen();
        Map<?, ?> answer = client.callIo("GET", path + "/size", null, client.json().constructType(Map.class));
        return ((Number) answer.get("size")).longValue();
    }

    @Override
    public synchronized SeekableByteChannel truncate(long size) throws IOException {
        ensureOpen();
        client.send("POST", path + "/truncate?size=" + size, null, null);
        position = Math.min(position, size);
        return this;
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public synchronized void close() throws IOException {
        if (open) {
            open = false;
            client.send("DELETE", path, null, null);
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
