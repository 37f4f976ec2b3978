package dev.mags.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlirpApiTest {
    @TempDir
    Path dir;

    @Test
    void addHostForwardSendsSlirpsJsonAndReturnsTheId() throws Exception {
        try (FakeSlirpApi fake = FakeSlirpApi.start(dir.resolve("api.sock")).answer(r -> "{\"return\":{\"id\":7}}")) {
            int id = new SlirpApi(dir.resolve("api.sock"), Duration.ofSeconds(5)).addHostForward("127.0.0.1", 40123, 8080);

            assertThat(id).isEqualTo(7);
            assertThat(fake.requests()).singleElement().hasToString(
                    "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\",\"host_addr\":\"127.0.0.1\","
                            + "\"host_port\":40123,\"guest_port\":8080}}");
        }
    }

    @Test
    void listAndRemoveHostForwards() throws Exception {
        try (FakeSlirpApi fake = FakeSlirpApi.start(dir.resolve("api.sock")).answer(r ->
                r.path("execute").asText().equals("list_hostfwd")
                        ? "{\"return\":{\"entries\":[{\"id\":1,\"proto\":\"tcp\",\"host_addr\":\"127.0.0.1\","
                                + "\"host_port\":40123,\"guest_addr\":\"10.0.2.100\",\"guest_port\":8080}]}}"
                        : "{\"return\":{}}")) {
            SlirpApi api = new SlirpApi(dir.resolve("api.sock"), Duration.ofSeconds(5));

            assertThat(api.listHostForwards()).containsExactly(
                    new SlirpApi.HostForward(1, "tcp", "127.0.0.1", 40123, "10.0.2.100", 8080));
            api.removeHostForward(1);
            assertThat(fake.requests().get(0)).hasToString("{\"execute\":\"list_hostfwd\"}");
            assertThat(fake.requests().get(1)).hasToString("{\"execute\":\"remove_hostfwd\",\"arguments\":{\"id\":1}}");
        }
    }

    @Test
    void anErrorReplyIsARefusalCarryingSlirpsReason() throws Exception {
        try (FakeSlirpApi fake = FakeSlirpApi.start(dir.resolve("api.sock"))
                .answer(r -> "{\"error\":{\"desc\":\"bad request: add_hostfwd: slirp_add_hostfwd failed\"}}")) {
            SlirpApi api = new SlirpApi(dir.resolve("api.sock"), Duration.ofSeconds(5));

            assertThatThrownBy(() -> api.addHostForward("127.0.0.1", 1, 80))
                    .isInstanceOf(SlirpApi.Refused.class)
                    .hasMessageContaining("slirp_add_hostfwd failed");
        }
    }

    @Test
    void noListenerIsANetworkExceptionNamingTheSocket() {
        SlirpApi api = new SlirpApi(dir.resolve("missing.sock"), Duration.ofSeconds(5));

        assertThatThrownBy(api::listHostForwards)
                .isInstanceOf(NetworkException.class)
                .isNotInstanceOf(SlirpApi.Refused.class)
                .hasMessageContaining("missing.sock");
    }

    @Test
    void aSilentPeerRunsIntoTheTimeout() throws Exception {
        try (FakeSlirpApi fake = FakeSlirpApi.start(dir.resolve("api.sock")).answer(r -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "{}";
        })) {
            SlirpApi api = new SlirpApi(dir.resolve("api.sock"), Duration.ofMillis(100));

            assertThatThrownBy(api::listHostForwards).isInstanceOf(NetworkException.class).hasMessageContaining("within 100 ms");
        }
    }

    @Test
    void repliesThatAreNotJsonAreReported() {
        assertThatThrownBy(() -> SlirpApi.parseReply("{}", "oops"))
                .isInstanceOf(NetworkException.class).hasMessageContaining("not JSON: oops");
    }
}
