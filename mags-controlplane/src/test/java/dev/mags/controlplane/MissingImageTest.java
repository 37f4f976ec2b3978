package dev.mags.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.mags.controlplane.state.StateBackend;

class MissingImageTest {
    @TempDir
    Path dir;

    @Test
    void jobsAndHealthNameTheCommandThatBuildsTheImage() {
        try (TestApi api = new TestApi(StateBackend.SQLITE, dir, new FakeAgent())) {
            HttpResponse<String> r = api.post("/api/v1/mags-jobs", api.token, "{\"script\":\"out x\"}");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("image_missing").contains("bin/magsd image build busybox");
            HttpResponse<String> health = api.get("/healthz", null);
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("bin/magsd image build busybox");
        }
    }

    @Test
    void healthIsOkWhenTheImageIsThere() {
        try (TestApi api = new TestApi(StateBackend.SQLITE, dir, new FakeAgent("busybox"))) {
            assertThat(api.get("/healthz", null).statusCode()).isEqualTo(200);
        }
    }
}
