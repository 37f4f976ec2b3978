package dev.mags.agent;

import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects a process's output, split into lines per stream (a last line without a newline included). */
public final class RecordingListener implements ExecListener {
    record Line(ExecStream stream, Instant timestamp, String text) {}

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Map<ExecStream, ByteArrayOutputStream> partial = new EnumMap<>(ExecStream.class);
    private final ByteArrayOutputStream all = new ByteArrayOutputStream();

    @Override
    public synchronized void output(ExecStream stream, byte[] data, int offset, int length) {
        all.write(data, offset, length);
        ByteArrayOutputStream line = partial.computeIfAbsent(stream, s -> new ByteArrayOutputStream());
        for (int i = offset; i < offset + length; i++) {
            if (data[i] == '\n') {
                lines.add(new Line(stream, Instant.now(), line.toString(StandardCharsets.UTF_8)));
                line.reset();
            } else {
                line.write(data[i]);
            }
        }
    }

    /** Every complete line, and what follows the last newline of each stream. */
    synchronized List<Line> lines() {
        List<Line> out = new java.util.ArrayList<>(lines);
        partial.forEach((stream, rest) -> {
            if (rest.size() > 0) {
                out.add(new Line(stream, Instant.now(), rest.toString(StandardCharsets.UTF_8)));
            }
        });
        return out;
    }

    List<String> texts(ExecStream stream) {
        return lines().stream().filter(l -> l.stream() == stream).map(Line::text).toList();
    }

    public List<String> stdout() {
        return texts(ExecStream.STDOUT);
    }

    public List<String> stderr() {
        return texts(ExecStream.STDERR);
    }

    /** Every byte, both streams interleaved as they came. */
    public synchronized String text() {
        return all.toString(StandardCharsets.UTF_8);
    }
}
