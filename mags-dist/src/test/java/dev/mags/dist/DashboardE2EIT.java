package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in Debian's headless Chromium, as a user meets it: the sign-in form takes a token, the jobs page
 * lists a job, the job's page shows output that looks like markup as text (its script never runs), and the tokens
 * page makes a token (shown once, and it works) and revokes it (and it stops working). The pages come with a
 * policy that allows no inline script.
 */
class DashboardE2EIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MARKUP = "<script>window.pwned=1</script><b>bold</b>";

    @TempDir
    Path tmp;

    @Test
    void aUserSignsInSeesAJobsOutputAsTextAndManagesTokens() throws Exception {
        Assumptions.assumeTrue(Chromium.installed() || System.getenv("CI") != null,
                "Chromium is not installed: install it with scripts/install-deps chromium (under CI this test runs)");
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").start();
                HttpClient http = HttpClient.newHttpClient()) {
            Api api = new Api(magsd.url(), magsd.adminToken());
            String id = api.submit("echo '" + MARKUP + "'");
            assertThat(api.awaitFinal(id, WAIT).path("status").asText()).isEqualTo("completed");

            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(magsd.url() + "/tokens")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                    .contains("script-src 'self'").doesNotContain("unsafe-inline");
            assertThat(page.body()).doesNotContain("<script>").contains("/assets/app.js");

            try (Chromium chromium = new Chromium(tmp.resolve("chromium"))) {
                chromium.open(magsd.url() + "/");
                chromium.awaitPageText("Sign in", WAIT);
                chromium.evaluate("document.getElementById('token').value = 'mags_not_a_token';"
                        + " document.getElementById('signin').requestSubmit(); true");
                assertThat(chromium.awaitPageText("refused", WAIT)).contains("Sign in");

                chromium.evaluate("document.getElementById('token').value = " + js(magsd.adminToken()) + ";"
                        + " document.getElementById('signin').requestSubmit(); true");
                assertThat(chromium.awaitPageText(id.substring(0, 8), WAIT)).contains("Jobs", "completed");

                chromium.evaluate("document.querySelector('a[href=\"/jobs/" + id + "\"]').click(); true");
                String shown = chromium.awaitPageText("window.pwned", WAIT);
                assertThat(shown).contains(MARKUP);
                assertThat(chromium.evaluate("String(window.pwned === undefined"
                        + " && document.querySelectorAll('#output *').length === 0)")).isEqualTo("true");

                chromium.evaluate("document.querySelector('a[href=\"/tokens\"]').click(); true");
                chromium.awaitPageText("Create token", WAIT);
                chromium.evaluate("document.getElementById('token-name').value = 'from-the-browser';"
                        + " document.getElementById('new-token').requestSubmit(); true");
                String made = chromium.awaitPageText("shown once", WAIT);
                assertThat(made).contains("from-the-browser");
                String secret = chromium.evaluate("document.querySelector('#token-made .secret').textContent");
                Api asNew = new Api(magsd.url(), secret);
                assertThat(asNew.get("/api/v1/me").status()).isEqualTo(200);

                chromium.evaluate("[...document.querySelectorAll('tr')].find(r => r.textContent.includes("
                        + "'from-the-browser')).querySelector('button').click(); true");
                awaitStatus(asNew, 401);
            }
        }
    }

    private static String js(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static void awaitStatus(Api api, int status) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int last = 0;
        while (System.nanoTime() < deadline) {
            last = api.get("/api/v1/me").status();
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("GET /api/v1/me answered " + last + ", never " + status);
    }
}
