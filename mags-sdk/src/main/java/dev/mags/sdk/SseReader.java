package dev.mags.sdk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Parses a {@code text/event-stream} as the HTML standard describes it: {@code field: value}
 * lines, {@code :} comments, several {@code data:} lines joined with {@code \n}, an event
 * dispatched at each blank line, and an unfinished event at the end of the stream dropped.
 */
final class SseReader {
    private final BufferedReader in;
    private final Runnable onLine;
    private boolean first = true;

    /** {@code onLine} runs for every line read, comments included (used as a liveness signal). */
    SseReader(InputStream in, Runnable onLine) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.onLine = onLine;
    }

    /** The next event, or {@code null} at the end of the stream. */
    SseEvent next() throws IOException {
        String type = null;
        String id = null;
        StringBuilder data = null;
        String line;
        while ((line = in.readLine()) != null) {
            onLine.run();
            if (first) {
                first = false;
                if (line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
            }
            if (line.isEmpty()) {
                if (data != null) {
                    return new SseEvent(type == null || type.isEmpty() ? SseEvent.DEFAULT_TYPE : type, data.toString(), id);
                }
                type = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> type = value;
                case "id" -> id = value;
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value);
                    } else {
                        data.append('\n').append(value);
                    }
                }
                default -> { /* "retry" and unknown fields are ignored */ }
            }
        }
        return null;
    }
}
