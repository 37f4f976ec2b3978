package dev.mags.controlplane.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;

/**
 * The bottom of a connection's read side: hands every byte on unchanged and lets a {@link FoldScanner}
 * see it first. {@link RequestChecks} asks it, per request, whether that request's headers were folded.
 */
final class FoldGuardConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private final FoldScanner scanner = new FoldScanner();
    /** Requests that reached the handlers on this connection; they come one after another. */
    private long exchanges;

    FoldGuardConduit(StreamSourceConduit next) {
        super(next);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n = next.read(dst);
        if (n > 0) {
            scanner.scan(dst, start, start + n);
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        int[] starts = new int[len];
        for (int i = 0; i < len; i++) {
            starts[i] = dsts[offs + i].position();
        }
        long n = next.read(dsts, offs, len);
        for (int i = 0; i < len && n > 0; i++) {
            ByteBuffer b = dsts[offs + i];
            if (b.position() > starts[i]) {
                scanner.scan(b, starts[i], b.position());
            }
        }
        return n;
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        return Conduits.transfer(this, count, throughBuffer, target);
    }

    /**
     * Called once per request that reaches the handlers, in order: the header that was folded in it
     * (or in a request before it on this connection), else null.
     */
    synchronized String nextRequestFold() {
        exchanges++;
        long folded = scanner.firstFoldedRequest();
        if (folded == 0 || exchanges < folded) {
            return null;
        }
        String header = scanner.foldedHeader();
        return header == null ? "" : header;
    }
}
