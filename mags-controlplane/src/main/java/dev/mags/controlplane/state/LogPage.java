package dev.mags.controlplane.state;

import dev.mags.api.LogEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Lines of one job's output in seq order, at most {@link #MAX_LINES} lines and about
 * {@link #MAX_CHARS} characters of text, so that one answer (a {@code /logs} call, a follower's next
 * batch) holds a bounded amount of memory whatever the job wrote.
 *
 * @param full whether lines were left out for lack of room: ask again after the last seq
 */
public record LogPage(List<LogEntry> entries, boolean full) {
    public static final int MAX_LINES = 10_000;
    public static final long MAX_CHARS = 1024 * 1024;

    /** Collects lines up to a seq and up to a page's size; not thread-safe. */
    public static final class Collector {
        private final long upToSeq;
        private final List<LogEntry> entries = new ArrayList<>();
        private long chars;
        private boolean full;

        public Collector(long upToSeq) {
            this.upToSeq = upToSeq;
        }

        /** Takes a line; false once the page is full or the line is past {@code upToSeq} (it is then not taken). */
        public boolean add(LogEntry e) {
            if (e.seq() > upToSeq || full) {
                return false;
            }
            if (entries.size() >= MAX_LINES || (!entries.isEmpty() && chars + e.message().length() > MAX_CHARS)) {
                full = true;
                return false;
            }
            entries.add(e);
            chars += e.message().length();
            return true;
        }

        public boolean full() {
            return full;
        }

        public LogPage result() {
            return new LogPage(List.copyOf(entries), full);
        }
    }
}
