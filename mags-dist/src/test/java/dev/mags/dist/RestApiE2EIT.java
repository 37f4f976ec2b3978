package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference API's documented requests against a real magsd; users kept apart. */
class RestApiE2EIT {
    @TempDir
    Path tmp;

    @Test
    void theSeedsCurlExampleRunsAJobAndJobsAndTokensSurviveARestart() {
        String id;
        String bobToken;
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").start()) {
            Api api = new Api(magsd.url(), magsd.adminToken());
            // The body of the reference's curl example, with the fields this release implements.
            Api.Response accepted = api.post("/api/v1/mags-jobs", "{\"script\": \"echo Hello World\", \"type\": \"inline\"}");
            assertThat(accepted.status()).isEqualTo(202);
            assertThat(accepted.body().get("status").asText()).isEqualTo("accepted");
            id = accepted.body().get("request_id").asText();
            JsonNode status = api.awaitFinal(id, Duration.ofSeconds(30));
            assertThat(status.get("status").asText()).isEqualTo("completed");
            JsonNode logs = api.get("/api/v1/mags-jobs/" + id + "/logs").body().get("logs");
            assertThat(logs.toString()).contains("Hello World");

            Proc.Result created = Proc.run(Map.of(), Duration.ofSeconds(60), Repo.magsd(), "token", "create",
                    "--user", "bob", "--data-dir", magsd.dataDir.toString());
            assertThat(created.exitCode()).as(created.stderr()).isZero();
            bobToken = created.stdout().strip();
            Api bob = new Api(magsd.url(), bobToken);
            assertThat(bob.get("/api/v1/mags-jobs/" + id + "/status").status()).isEqualTo(404);
            assertThat(bob.get("/api/v1/mags-jobs/" + id + "/logs").status()).isEqualTo(404);
            assertThat(bob.get("/api/v1/mags-jobs").body().get("total").asLong()).isZero();
        }
        try (MagsdFixture again = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").start()) {
            Api api = new Api(again.url(), again.adminToken());
            assertThat(api.get("/api/v1/mags-jobs/" + id + "/status").body().get("status").asText()).isEqualTo("completed");
            assertThat(api.get("/api/v1/mags-jobs/" + id + "/logs").body().toString()).contains("Hello World");
            Api bob = new Api(again.url(), bobToken);
            assertThat(bob.get("/api/v1/me").body().get("user").asText()).isEqualTo("bob");
        }
    }
}
