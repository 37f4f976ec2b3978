package dev.mags.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogPrinterTest {

    @Test
    void eachLineReachesItsStreamAtOnce() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // buffered like the real standard streams: only a flush makes output visible
        LogPrinter printer = new LogPrinter(
                new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)),
                new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8)));

        printer.accept(new LogEntry(1, Instant.EPOCH, LogSource.STDOUT, "héllo"));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("héllo" + System.lineSeparator());

        printer.accept(new LogEntry(2, Instant.EPOCH, LogSource.STDERR, "oops"));
        printer.accept(new LogEntry(3, Instant.EPOCH, LogSource.SYSTEM, "image pulled"));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
                "oops" + System.lineSeparator() + "mags: image pulled" + System.lineSeparator());
    }
}
