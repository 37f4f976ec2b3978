package dev.mags.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.api.ExecEnd;
import dev.mags.api.ExecRequest;
import dev.mags.api.ExecResult;
import dev.mags.controlplane.ExecServer;
import dev.mags.sdk.Mags;
import dev.mags.sdk.MagsApiException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's exec against the real exec routes (the module where client and server meet in tests): what the
 * server writes is what the SDK reads.
 */
class SdkExecRoundTripTest {
    @TempDir
    Path dir;
    ExecServer server;
    Mags mags;

    @BeforeEach
    void start() {
        server = new ExecServer(dir);
        server.sandbox("alice", "my-project");
        mags = Mags.builder().baseUrl(server.url()).token(server.token("alice")).build();
    }

    @AfterEach
    void stop() {
        mags.close();
        server.close();
    }

    @Test
    void execAnswersOutputAsTheReferenceSdksRead() {
        ExecResult r = mags.exec("my-project", "echo hello; echo oops >&2; exit 2");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.status()).isEqualTo(ExecResult.ERROR);
        assertThat(r.stdout()).isEqualTo("hello\n");
        assertThat(r.stderr()).isEqualTo("oops\n");
        assertThat(r.output()).contains("hello\n", "oops\n");
    }

    @Test
    void execStreamingHandsOverOutputThenTheEnd() {
        List<String> got = new ArrayList<>();
        ExecEnd end = mags.execStreaming("my-project", ExecRequest.command("cat; echo $X").withStdin("in\n")
                .withEnvironment(Map.of("X", "x")), (stream, text) -> got.add(stream + ":" + text));
        assertThat(got.stream().map(s -> s.substring(s.indexOf(':') + 1)).reduce("", String::concat))
                .isEqualTo("in\nx\n");
        assertThat(got).allMatch(s -> s.startsWith("stdout:"));
        assertThat(end).isEqualTo(new ExecEnd(0, ExecResult.COMPLETED, "exited", null));
    }

    @Test
    void anotherUsersNameIsNotFound() {
        server.sandbox("bob", "theirs");
        assertThatThrownBy(() -> mags.exec("theirs", "id"))
                .isInstanceOfSatisfying(MagsApiException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("mags list");
    }
}
