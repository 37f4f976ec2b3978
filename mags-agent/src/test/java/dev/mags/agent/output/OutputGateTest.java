package dev.mags.agent.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.protocol.v1.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputGateTest {
    private final List<String> delivered = new ArrayList<>();
    private final OutputGate gate = new OutputGate((stream, ts, line) -> delivered.add(stream + ":" + line));

    @Test
    void holdsLinesUntilOpenedThenDeliversInOrder() {
        gate.onLine(OutputStream.STDOUT, Instant.now(), "a");
        gate.onLine(OutputStream.STDERR, Instant.now(), "b");
        assertThat(delivered).isEmpty();

        gate.open();
        gate.onLine(OutputStream.STDOUT, Instant.now(), "c");

        assertThat(delivered).containsExactly("STDOUT:a", "STDERR:b", "STDOUT:c");
    }

    @Test
    void discardedLinesNeverArrive() {
        gate.onLine(OutputStream.STDERR, Instant.now(), "runc run failed");
        gate.discard();
        gate.onLine(OutputStream.STDERR, Instant.now(), "late");
        gate.open();

        assertThat(delivered).isEmpty();
    }

    @Test
    void aThrowingListenerDoesNotStopDelivery() {
        List<String> seen = new ArrayList<>();
        OutputGate throwing = new OutputGate((stream, ts, line) -> {
            seen.add(line);
            throw new IllegalStateException("listener bug");
        });
        throwing.open();

        throwing.onLine(OutputStream.STDOUT, Instant.now(), "1");
        throwing.onLine(OutputStream.STDOUT, Instant.now(), "2");

        assertThat(seen).containsExactly("1", "2");
    }
}
