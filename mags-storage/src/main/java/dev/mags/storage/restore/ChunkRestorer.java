package dev.mags.storage.restore;

import dev.mags.storage.chunk.ChunkId;
import dev.mags.storage.chunk.ChunkStore;
import dev.mags.storage.chunk.FrameDecoder;
import dev.mags.storage.error.LocalIoException;
import dev.mags.storage.manifest.PackSlot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * Fetches every distinct chunk of a snapshot once and writes it wherever the snapshot has it. Packed chunks
 * are fetched a pack range at a time (one request for the frames of many small files); a large chunk is one
 * request of its own. {@link #tasks} cuts the work into independent pieces for a pool; each piece borrows a
 * {@link FrameDecoder} (its buffers are reused from piece to piece), and closing the restorer closes them.
 */
final class ChunkRestorer implements AutoCloseable {
    /** Unneeded bytes between two wanted frames above which a pack is fetched in two requests instead of one. */
    private static final long MAX_GAP = 1 << 20;
    /** No single request asks for more than this. */
    private static final long MAX_RANGE = 64L << 20;

    /** Chunk {@code index} of {@code file}. */
    record Placement(RestoredFile file, int index) {}

    /** What one written chunk did: its plain bytes, and whether it completed a file. */
    record Written(long bytes, boolean fileDone) {}

    private final ChunkStore chunks;
    private final Map<String, PackSlot> packed;
    private final Map<String, List<Placement>> placements = new LinkedHashMap<>();
    private final Consumer<Written> onWritten;
    /** Decoders not in use: at most one per pool thread is ever made. */
    private final Queue<FrameDecoder> idle = new ConcurrentLinkedQueue<>();
    private final Queue<FrameDecoder> made = new ConcurrentLinkedQueue<>();

    ChunkRestorer(ChunkStore chunks, Map<String, PackSlot> packed, Consumer<Written> onWritten) {
        this.chunks = chunks;
        this.packed = packed;
        this.onWritten = onWritten;
    }

    void add(RestoredFile file) {
        List<String> ids = file.entry().chunks();
        for (int i = 0; i < ids.size(); i++) {
            placements.computeIfAbsent(ids.get(i), k -> new ArrayList<>()).add(new Placement(file, i));
        }
    }

    /** One task per run of nearby frames in a pack, one per chunk of its own; packs first (they are many files). */
    List<Runnable> tasks() {
        Map<String, List<String>> byPack = new LinkedHashMap<>();
        List<Runnable> alone = new ArrayList<>();
        for (String id : placements.keySet()) {
            PackSlot slot = packed.get(id);
            if (slot == null) {
                alone.add(() -> {
                    ChunkId chunk = new ChunkId(id);
                    byte[] frame = chunks.fetchFrame(chunk);
                    withDecoder(d -> place(id, d.decode(chunk, frame, 0, frame.length)));
                });
            } else {
                byPack.computeIfAbsent(slot.pack(), k -> new ArrayList<>()).add(id);
            }
        }
        List<Runnable> out = new ArrayList<>();
        byPack.forEach((pack, ids) -> out.addAll(rangeTasks(pack, ids)));
        out.addAll(alone);
        return out;
    }

    private List<Runnable> rangeTasks(String pack, List<String> ids) {
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(Comparator.comparingLong(id -> packed.get(id).offset()));
        List<Runnable> out = new ArrayList<>();
        List<String> run = new ArrayList<>();
        long start = 0;
        long end = 0;
        for (String id : sorted) {
            PackSlot s = packed.get(id);
            if (!run.isEmpty() && (s.offset() - end > MAX_GAP || Math.max(end, s.end()) - start > MAX_RANGE)) {
                out.add(rangeTask(pack, run, start, end));
                run = new ArrayList<>();
            }
            if (run.isEmpty()) {
                start = s.offset();
                end = s.end();
            }
            run.add(id);
            end = Math.max(end, s.end());
        }
        if (!run.isEmpty()) {
            out.add(rangeTask(pack, run, start, end));
        }
        return out;
    }

    private Runnable rangeTask(String pack, List<String> ids, long start, long end) {
        long packSize = packed.get(ids.get(0)).packSize();
        boolean whole = start == 0 && end == packSize && ids.stream().allMatch(id -> packed.get(id).packSize() == packSize);
        return () -> {
            byte[] range = chunks.fetchPackRange(pack, start, (int) (end - start));
            // Frames with zstd's checksum are checked by zstd as they are decompressed. A whole pack of frames
            // without (written before mags added the checksum) is checked against its name once, on its
            // compressed bytes; such frames from part of a pack are checked one by one against their chunk ids.
            boolean packCheck = whole && !ids.stream().allMatch(id -> {
                PackSlot s = packed.get(id);
                return FrameDecoder.hasChecksum(range, (int) (s.offset() - start), s.length());
            });
            if (packCheck) {
                ChunkStore.checkPack(pack, range);
            }
            withDecoder(d -> {
                for (String id : ids) {
                    PackSlot s = packed.get(id);
                    ChunkId chunk = new ChunkId(id);
                    int from = (int) (s.offset() - start);
                    place(id, packCheck ? d.decompress(chunk, range, from, s.length()) : d.decode(chunk, range, from, s.length()));
                }
            });
        };
    }

    private void withDecoder(Consumer<FrameDecoder> work) {
        FrameDecoder d = idle.poll();
        if (d == null) {
            d = new FrameDecoder();
            made.add(d);
        }
        try {
            work.accept(d);
        } finally {
            idle.add(d);
        }
    }

    private void place(String id, ByteBuffer plain) {
        for (Placement p : placements.get(id)) {
            boolean done;
            try {
                done = p.file().write(p.index(), plain.duplicate());
            } catch (IOException e) {
                throw new LocalIoException("cannot write " + p.file().entry().path() + ": " + e.getMessage(), e);
            }
            onWritten.accept(new Written(plain.remaining(), done));
        }
    }

    @Override
    public void close() {
        made.forEach(FrameDecoder::close);
    }
}
