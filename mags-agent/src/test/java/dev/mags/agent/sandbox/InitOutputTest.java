package dev.mags.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

class InitOutputTest {
    @Test
    void isAnAnonymousFileThatTheRuntimesLauncherCanAppendToAndTheAgentRead() throws Exception {
        try (InitOutput output = InitOutput.create()) {
            // what a process that inherits it, or opens /proc/1/fd/1 in the sandbox, sees: no path of the host
            assertThat(Files.readSymbolicLink(output.path()).toString()).isEqualTo("/memfd:mags-init (deleted)");

            Files.writeString(output.path(), "runc: first\n", StandardOpenOption.APPEND);
            Files.writeString(output.path(), "sh: can't open '/.mags/io/in'\n", StandardOpenOption.APPEND);

            assertThat(output.tail()).isEqualTo("runc: first\nsh: can't open '/.mags/io/in'");
        }
    }

    @Test
    void keepsOnlyTheLastFewKibForAMessageAndNothingOnceClosed() throws Exception {
        InitOutput output = InitOutput.create();
        Files.writeString(output.path(), "x".repeat(10_000) + "the end", StandardOpenOption.APPEND);

        assertThat(output.tail()).hasSize(4096).endsWith("the end");
        output.close();
        assertThat(output.tail()).isEmpty();
        output.close(); // twice is harmless
    }
}
