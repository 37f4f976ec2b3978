package dev.mags.agent;

import dev.mags.protocol.v1.OutputListener;
import dev.mags.protocol.v1.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects a sandbox's output lines with their timestamps. */
public final class RecordingListener implements OutputListener {
    record Line(OutputStream stream, Instant timestamp, String text) {}

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    @Override
    public void onLine(OutputStream stream, Instant timestamp, String line) {
        lines.add(new Line(stream, timestamp, line));
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    List<String> texts(OutputStream stream) {
        return lines.stream().filter(l -> l.stream() == stream).map(Line::text).toList();
    }

    public List<String> stdout() {
        return texts(OutputStream.STDOUT);
    }

    public List<String> stderr() {
        return texts(OutputStream.STDERR);
    }
}
