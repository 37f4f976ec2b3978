package dev.mags.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeLogTest {

    @Test
    void keepsOnlyErrorEntries() {
        List<String> lines = List.of(
                "{\"level\":\"warning\",\"msg\":\"cgroup v1 is deprecated\",\"time\":\"t\"}",
                "{\"level\":\"error\",\"msg\":\"runc run failed: exec: \\\"nope\\\": executable file not found\",\"time\":\"t\"}",
                "time=\"t\" level=error msg=\"text format\"",
                "time=\"t\" level=info msg=\"ignored\"");

        assertThat(RuntimeLog.errorsIn(lines)).containsExactly(
                "runc run failed: exec: \"nope\": executable file not found",
                "time=\"t\" level=error msg=\"text format\"");
    }

    @Test
    void aMissingLogMeansNoErrors(@TempDir Path dir) throws Exception {
        assertThat(RuntimeLog.errors(dir.resolve("runtime.log"))).isEmpty();
        Files.writeString(dir.resolve("empty.log"), "");
        assertThat(RuntimeLog.errors(dir.resolve("empty.log"))).isEmpty();
    }
}
