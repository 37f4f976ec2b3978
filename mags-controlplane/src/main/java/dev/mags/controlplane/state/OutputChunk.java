package dev.mags.controlplane.state;

import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import java.time.Instant;

/**
 * A run of consecutive output lines of one job, packed into one text value: the unit in which output
 * is buffered and stored. A row per line cost SQLite about 125 bytes of table and index per line
 * whatever its length (a one-letter line 60 times its size); packed, a line costs its text and a few
 * bytes. Each line is written as a source letter ({@code o} stdout, {@code e} stderr, {@code s}
 * mags), the milliseconds since the line before it (since {@code baseTs} for the first), a space, the
 * text and {@code '\n'}. The text never holds a newline: the agent splits lines there.
 *
 * @param firstSeq seq of the first line; the others follow without gaps
 * @param lastSeq seq of the last line
 * @param baseTs epoch millis the first line's time is counted from
 * @param data the packed lines
 * @param bytes size of {@code data} in UTF-8, what the line costs in storage and against the caps
 */
public record OutputChunk(long firstSeq, long lastSeq, long baseTs, String data, long bytes) {

    /** Receives decoded lines; returns false to stop. */
    @FunctionalInterface
    public interface LineSink {
        boolean accept(LogEntry entry);
    }

    /** Hands the lines of {@code data} to {@code sink}, in order, until it returns false; returns false then. */
    public static boolean decode(long firstSeq, long baseTs, String data, LineSink sink) {
        long seq = firstSeq;
        long ts = baseTs;
        int at = 0;
        while (at < data.length()) {
            int end = data.indexOf('\n', at);
            if (end < 0) {
                end = data.length();
            }
            LogSource source = sourceOf(data.charAt(at));
            int space = data.indexOf(' ', at + 1);
            ts += Long.parseLong(data, at + 1, space, 10);
            if (!sink.accept(new LogEntry(seq++, Instant.ofEpochMilli(ts), source, data.substring(space + 1, end)))) {
                return false;
            }
            at = end + 1;
        }
        return true;
    }

    /**
     * The text as stored: a newline (which the agent never sends, it splits lines there) becomes a space, and a
     * NUL character U+FFFD, as bytes that are no UTF-8 become when output is decoded (PostgreSQL's text holds no
     * NUL, and a line it refuses would be refused at every retry).
     */
    public static String clean(String text) {
        String s = text.indexOf('\n') < 0 ? text : text.replace('\n', ' ');
        return s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
    }

    /** The size of a line in UTF-8 as {@link Builder#add} packs it after a line of time {@code prevTs}. */
    static long packedSize(long prevTs, long ts, String text) {
        return 3 + digits(ts - prevTs) + utf8Length(text);
    }

    public static long utf8Length(CharSequence s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static int digits(long v) {
        return v < 0 ? 1 + digits(-v) : v < 10 ? 1 : 1 + digits(v / 10);
    }

    private static char letterOf(LogSource source) {
        return switch (source) {
            case STDOUT -> 'o';
            case STDERR -> 'e';
            case SYSTEM -> 's';
        };
    }

    private static LogSource sourceOf(char letter) {
        return switch (letter) {
            case 'o' -> LogSource.STDOUT;
            case 'e' -> LogSource.STDERR;
            case 's' -> LogSource.SYSTEM;
            default -> throw new IllegalStateException("corrupt output chunk: unknown source letter '" + letter + "'");
        };
    }

    /** Packs lines as they come; not thread-safe. */
    public static final class Builder {
        private final long firstSeq;
        private final StringBuilder data = new StringBuilder();
        private long baseTs;
        private boolean based;
        private long lastSeq;
        private long prevTs;
        private long bytes;

        /** A run whose first line gets {@code firstSeq} and follows a line of time {@code baseTs}. */
        public Builder(long firstSeq, long baseTs) {
            this.firstSeq = firstSeq;
            this.lastSeq = firstSeq - 1;
            this.baseTs = baseTs;
            this.prevTs = baseTs;
            this.based = true;
        }

        /** A run whose first line gets {@code firstSeq}; times count from the first line's. */
        public Builder(long firstSeq) {
            this.firstSeq = firstSeq;
            this.lastSeq = firstSeq - 1;
        }

        /** What adding this line would cost, in bytes. */
        public long sizeOf(long ts, String text) {
            return packedSize(based ? prevTs : ts, ts, text);
        }

        /** Adds a line (see {@link #clean}); returns its seq. */
        public long add(LogSource source, long ts, String text) {
            if (!based) {
                baseTs = ts;
                prevTs = ts;
                based = true;
            }
            String clean = clean(text);
            bytes += packedSize(prevTs, ts, clean);
            data.append(letterOf(source)).append(ts - prevTs).append(' ').append(clean).append('\n');
            prevTs = ts;
            return ++lastSeq;
        }

        /** The run that continues this one: its seqs and times follow on. */
        public Builder next() {
            return based ? new Builder(lastSeq + 1, prevTs) : new Builder(lastSeq + 1);
        }

        public boolean isEmpty() {
            return lastSeq < firstSeq;
        }

        public long firstSeq() {
            return firstSeq;
        }

        public long lastSeq() {
            return lastSeq;
        }

        public long bytes() {
            return bytes;
        }

        /** Decodes the lines with seq greater than {@code afterSeq}; returns false when the sink stopped. */
        public boolean decode(long afterSeq, LineSink sink) {
            if (afterSeq >= lastSeq) {
                return true;
            }
            return OutputChunk.decode(firstSeq, baseTs, data.toString(), e -> e.seq() <= afterSeq || sink.accept(e));
        }

        public OutputChunk build() {
            return new OutputChunk(firstSeq, lastSeq, baseTs, data.toString(), bytes);
        }
    }
}
