package dev.mags.controlplane.ssh.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.PtySize;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecSpecsTest {
    @Test
    void aTerminalGetsItsTypeSizeAndALocale() {
        ExecSpec spec = ExecSpecs.shell(Map.of("TERM", "xterm-256color", "USER", "dev"), new PtySize(120, 40));

        assertThat(spec.environment()).isEqualTo(Map.of("TERM", "xterm-256color", "COLUMNS", "120", "LINES", "40",
                "LANG", "C.UTF-8"));
        assertThat(spec.pty()).isEqualTo(new PtySize(120, 40));
        assertThat(spec.stdin()).isTrue();
        assertThat(spec.cwd()).isNull();
    }

    @Test
    void pipesGetOnlyTheClientsLocale() {
        ExecSpec spec = ExecSpecs.command("make test", Map.of("LANG", "de_DE.UTF-8", "LC_ALL", "C", "TERM", "vt100",
                "LD_PRELOAD", "/x.so", "LC_", "y", "LC_lower", "z"), null);

        assertThat(spec.argv()).containsExactly("sh", "-c", "make test");
        assertThat(spec.environment()).isEqualTo(Map.of("LANG", "de_DE.UTF-8", "LC_ALL", "C"));
        assertThat(spec.pty()).isNull();
    }

    @Test
    void aStrangeTerminalTypeFallsBackToXterm() {
        ExecSpec spec = ExecSpecs.shell(Map.of("TERM", "x;rm -rf /"), new PtySize(80, 24));

        assertThat(spec.environment()).containsEntry("TERM", "xterm");
    }
}
