package dev.mags.agent.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.protocol.v2.ExecStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OutputGateTest {
    private final List<String> delivered = new CopyOnWriteArrayList<>();

    private void send(OutputGate gate, ExecStream stream, String text) {
        byte[] bytes = ("xx" + text).getBytes(StandardCharsets.UTF_8);
        gate.output(stream, bytes, 2, bytes.length - 2);
    }

    @Test
    void passesBytesOnUntilClosedThenDropsThem() {
        OutputGate gate = new OutputGate((stream, data, offset, length) ->
                delivered.add(stream + ":" + new String(data, offset, length, StandardCharsets.UTF_8)));

        send(gate, ExecStream.STDOUT, "a");
        send(gate, ExecStream.STDERR, "b");
        gate.close();
        send(gate, ExecStream.STDOUT, "after the exit");

        assertThat(delivered).containsExactly("STDOUT:a", "STDERR:b");
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheReader() {
        OutputGate gate = new OutputGate((stream, data, offset, length) -> {
            String text = new String(data, offset, length, StandardCharsets.UTF_8);
            if (text.equals("bad")) {
                throw new IllegalStateException("listener broke");
            }
            delivered.add(text);
        });

        send(gate, ExecStream.STDOUT, "bad");
        send(gate, ExecStream.STDOUT, "good");

        assertThat(delivered).containsExactly("good");
    }
}
