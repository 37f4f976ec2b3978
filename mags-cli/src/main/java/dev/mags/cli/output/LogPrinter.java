package dev.mags.cli.output;

import dev.mags.api.LogEntry;
import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * Prints a job's lines as the script wrote them: stdout lines to standard output, stderr lines
 * to standard error, lines from mags itself to standard error prefixed {@code mags: }. Each line
 * is flushed at once so that output appears as it is produced.
 */
public final class LogPrinter implements Consumer<LogEntry> {
    private final PrintWriter out;
    private final PrintWriter err;

    public LogPrinter(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void accept(LogEntry entry) {
        String message = entry.message() == null ? "" : entry.message();
        if (entry.source() == null) {
            line(out, message);
            return;
        }
        switch (entry.source()) {
            case STDOUT -> line(out, message);
            case STDERR -> line(err, message);
            case SYSTEM -> line(err, "mags: " + message);
        }
    }

    private static void line(PrintWriter writer, String text) {
        writer.println(text);
        writer.flush();
    }
}
