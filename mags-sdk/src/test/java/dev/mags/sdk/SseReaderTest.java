package dev.mags.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    private static List<SseEvent> parse(String text, AtomicInteger lines) throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                lines::incrementAndGet);
        List<SseEvent> events = new ArrayList<>();
        SseEvent e;
        while ((e = reader.next()) != null) {
            events.add(e);
        }
        return events;
    }

    @Test
    void parsesNamedEventsCommentsAndMultiLineData() throws IOException {
        AtomicInteger lines = new AtomicInteger();
        List<SseEvent> events = parse(": hello\n\nevent: log\nid: 1\ndata: {\"a\":1}\n\n"
                + "data:first\ndata: second\n\n"
                + "event: status\r\ndata: x\r\n\r\n", lines);

        assertThat(events).containsExactly(
                new SseEvent("log", "{\"a\":1}", "1"),
                new SseEvent("message", "first\nsecond", null),
                new SseEvent("status", "x", null));
        assertThat(lines.get()).isEqualTo(12);
    }

    @Test
    void dropsAnUnfinishedEventAtTheEnd() throws IOException {
        assertThat(parse("event: log\ndata: 1\n\nevent: log\ndata: 2\n", new AtomicInteger()))
                .containsExactly(new SseEvent("log", "1", null));
    }

    @Test
    void ignoresEventsWithoutDataAndUnknownFields() throws IOException {
        assertThat(parse("\uFEFFevent: ping\n\nretry: 10\nfoo\ndata\n\n", new AtomicInteger()))
                .containsExactly(new SseEvent("message", "", null));
    }
}
