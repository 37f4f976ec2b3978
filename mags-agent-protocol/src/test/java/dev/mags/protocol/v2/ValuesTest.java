package dev.mags.protocol.v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract's values refuse what no agent could honour, with a message that names it. */
class ValuesTest {

    @Test
    void idsAndKeysArePathSafeNames() {
        assertThat(SandboxId.of("job-1.a_b").value()).isEqualTo("job-1.a_b");
        assertThat(WorkspaceKey.of("A".repeat(128)).toString()).hasSize(128);
        for (String bad : List.of("", ".hidden", "-opt", "a/b", "..", "a b", "x".repeat(129), "é")) {
            assertThatThrownBy(() -> SandboxId.of(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sandbox id '" + bad + "' is not 1 to 128 characters");
            assertThatThrownBy(() -> WorkspaceKey.of(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("workspace key '" + bad + "'");
        }
        assertThatThrownBy(() -> SandboxId.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void anExecNeedsAProgramAndAnAbsoluteDirectory() {
        assertThatThrownBy(() -> new ExecSpec(List.of(), Map.of(), null, false, null, null))
                .hasMessage("argv must not be empty");
        assertThatThrownBy(() -> new ExecSpec(List.of("ls"), Map.of(), "tmp", false, null, null))
                .hasMessage("cwd must be an absolute path, not 'tmp'");
        assertThat(ExecSpec.shell("echo hi", null, Duration.ofSeconds(5)))
                .isEqualTo(new ExecSpec(List.of("sh", "-c", "echo hi"), Map.of(), null, false, null, Duration.ofSeconds(5)));
    }

    @Test
    void anExecSpecIsACopyOfWhatItWasGiven() {
        List<String> argv = new java.util.ArrayList<>(List.of("echo", "a"));
        Map<String, String> env = new HashMap<>(Map.of("A", "1"));
        ExecSpec spec = new ExecSpec(argv, env, "/", false, null, null);
        argv.add("b");
        env.put("B", "2");
        assertThat(spec.argv()).containsExactly("echo", "a");
        assertThat(spec.environment()).containsOnlyKeys("A");
    }

    @Test
    void aTerminalHasARealisticSize() {
        assertThat(new PtySize(80, 24)).isEqualTo(new PtySize(80, 24));
        for (int[] bad : new int[][] {{0, 24}, {80, 0}, {10_001, 24}, {80, -1}}) {
            assertThatThrownBy(() -> new PtySize(bad[0], bad[1])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("terminal size " + bad[0] + "x" + bad[1] + " is out of range");
        }
    }

    @Test
    void aSandboxSpecNamesItsIdImageLimitsAndNetwork() {
        assertThatThrownBy(() -> new SandboxSpec(null, "busybox", SandboxLimits.DEFAULT, NetworkMode.NONE, null, null,
                Map.of())).hasMessage("id");
        assertThatThrownBy(() -> new SandboxSpec(SandboxId.of("s"), "busybox", null, NetworkMode.NONE, null, null,
                Map.of())).hasMessage("limits");
        SandboxSpec spec = new SandboxSpec(SandboxId.of("s"), "busybox", SandboxLimits.DEFAULT, NetworkMode.NONE, null,
                null, null);
        assertThat(spec.environment()).isEmpty();
        assertThatThrownBy(() -> new WorkspaceMount(null, null)).hasMessage("key");
    }
}
