package dev.mags.storage.sync;

import dev.mags.storage.chunk.ChunkId;
import dev.mags.storage.chunk.ChunkStore;
import dev.mags.storage.manifest.PackSlot;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gathers small chunks' frames into packs of about {@link #TARGET} bytes (the way restic and kopia pack
 * blobs): a restore of 10,000 small files then makes a few hundred requests instead of 10,000. A pack is
 * stored by the thread whose chunk filled it, and by {@link #flush} at the end of the sync; a chunk's slot is
 * known once its pack is stored. Like any chunk, a pack is garbage until a manifest references it.
 */
final class PackWriter {
    static final int TARGET = 8 * 1024 * 1024;

    private record Pending(String chunk, int offset, int length) {}

    private record Sealed(byte[] bytes, List<Pending> chunks) {}

    private final ChunkStore store;
    private final Map<String, PackSlot> slots = new ConcurrentHashMap<>();
    private ByteArrayOutputStream open = new ByteArrayOutputStream();
    private List<Pending> pending = new ArrayList<>();
    final AtomicLong chunksStored = new AtomicLong();
    final AtomicLong bytesStored = new AtomicLong();

    PackWriter(ChunkStore store) {
        this.store = store;
    }

    /** Adds a chunk's frame to the open pack; stores the pack, in this thread, if that filled it. */
    void add(String chunk, byte[] frame) {
        Sealed full = null;
        synchronized (this) {
            pending.add(new Pending(chunk, open.size(), frame.length));
            open.writeBytes(frame);
            if (open.size() >= TARGET) {
                full = seal();
            }
        }
        if (full != null) {
            store(full);
        }
    }

    /** Stores the open pack, if it holds anything. */
    void flush() {
        Sealed last;
        synchronized (this) {
            last = pending.isEmpty() ? null : seal();
        }
        if (last != null) {
            store(last);
        }
    }

    /** Where each chunk added so far, in a stored pack, is. */
    Map<String, PackSlot> slots() {
        return Map.copyOf(slots);
    }

    private Sealed seal() {
        Sealed s = new Sealed(open.toByteArray(), pending);
        open = new ByteArrayOutputStream();
        pending = new ArrayList<>();
        return s;
    }

    private void store(Sealed s) {
        String hash = ChunkId.of(s.bytes()).hex();
        store.storePack(hash, s.bytes());
        for (Pending p : s.chunks()) {
            slots.put(p.chunk(), new PackSlot(hash, p.offset(), p.length(), s.bytes().length));
        }
        chunksStored.addAndGet(s.chunks().size());
        bytesStored.addAndGet(s.bytes().length);
    }
}
