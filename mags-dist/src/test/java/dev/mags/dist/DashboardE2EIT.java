package dev.mags.dist;

import dev.mags.testkit.Chromium;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in Debian's headless Chromium, as a user meets it: the sign-in form takes a token; output that looks
 * like markup shows as text (its script never runs); a token made on the page runs {@code bin/mags run}, whose
 * numbered lines appear on the job's page while the job runs, the page's Stop ends it, and once the page revoked the
 * token {@code bin/mags} is refused; another user's job id shows "not found"; workspaces (live, synced, delete),
 * cron jobs, URL aliases, usage and the admin view work through their forms. A screenshot of each page is saved
 * under {@code target/dashboard-screenshots/}.
 */
class DashboardE2EIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MARKUP = "<script>window.pwned=1</script><b>bold</b>";
    private static final Path SHOTS = Path.of("target", "dashboard-screenshots");

    @TempDir
    static Path tmp;
    static MagsdFixture magsd;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Chromium.installed() || System.getenv("CI") != null,
                "Chromium is not installed: install it with scripts/install-deps chromium (under CI this test runs)");
        Files.createDirectories(tmp.resolve("home"));
        magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").start();
    }

    @AfterAll
    static void stop() {
        if (magsd != null) {
            magsd.close();
        }
    }

    @Test
    void aUserFollowsAJobLiveStopsItAndRevokesTheTokenItRanWith() throws Exception {
        Api api = new Api(magsd.url(), magsd.adminToken());
        String xss = api.submit("echo '" + MARKUP + "'");
        assertThat(api.awaitFinal(xss, WAIT).path("status").asText()).isEqualTo("completed");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(magsd.url() + "/tokens")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                    .contains("script-src 'self'").doesNotContain("unsafe-inline");
            assertThat(page.body()).doesNotContain("<script>").contains("/assets/app.js");
        }

        try (Chromium chromium = new Chromium(tmp.resolve("chromium-1"))) {
            chromium.open(magsd.url() + "/");
            chromium.awaitPageText("Sign in", WAIT);
            chromium.evaluate("document.getElementById('token').value = 'mags_not_a_token';"
                    + " document.getElementById('signin').requestSubmit(); true");
            assertThat(chromium.awaitPageText("refused", WAIT)).contains("Sign in");
            shot(chromium, "sign-in");
            signIn(chromium, magsd.adminToken());
            assertThat(chromium.awaitPageText(xss.substring(0, 8), WAIT)).contains("Jobs", "completed");
            shot(chromium, "jobs");

            click(chromium, "a[href=\"/jobs/" + xss + "\"]");
            assertThat(chromium.awaitPageText("window.pwned", WAIT)).contains(MARKUP);
            assertThat(chromium.evaluate("String(window.pwned === undefined"
                    + " && document.querySelectorAll('#output *').length === 0)")).isEqualTo("true");
            shot(chromium, "job-markup");

            click(chromium, "a[href=\"/tokens\"]");
            chromium.awaitPageText("Create token", WAIT);
            chromium.evaluate("document.getElementById('token-name').value = 'from-the-browser';"
                    + " document.getElementById('new-token').requestSubmit(); true");
            assertThat(chromium.awaitPageText("shown once", WAIT)).contains("from-the-browser");
            String secret = chromium.evaluate("document.querySelector('#token-made .secret').textContent");
            shot(chromium, "tokens");
            Map<String, String> env = new HashMap<>(magsd.cliEnv(tmp.resolve("home")));
            env.put("MAGS_API_TOKEN", secret);

            // Numbered lines with pauses, then a wait that only a stop ends: every line the page shows, it shows
            // while the job runs.
            ProcessBuilder pb = new ProcessBuilder(Repo.mags().toString(), "run", "--job-name", "dash-live",
                    "for i in 1 2 3 4 5; do echo line-$i; sleep 1; done; echo waiting; sleep 600");
            pb.environment().putAll(env);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process run = pb.start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).isEqualTo("line-1"); // the job runs; bin/mags follows it
                String live = jobNamed(api, "dash-live");

                click(chromium, "a[href=\"/jobs\"]");
                awaitTrue(chromium, "!!document.getElementById('status-filter')");
                chromium.evaluate("const f = document.getElementById('status-filter'); f.value = 'running';"
                        + " f.dispatchEvent(new Event('change')); true");
                chromium.awaitPageText("dash-live", WAIT);
                assertThat(chromium.evaluate("[...document.querySelectorAll('td.status')].map(c => c.textContent)"
                        + ".join()")).matches("running(,running)*");
                click(chromium, "a[href=\"/jobs/" + live + "\"]");
                awaitOutput(chromium, "line-1\n");
                assertThat(api.get("/api/v1/mags-jobs/" + live + "/status").body().path("status").asText())
                        .isEqualTo("running");
                awaitOutput(chromium, "waiting\n");
                assertThat(chromium.evaluate("document.getElementById('output').textContent"))
                        .isEqualTo("line-1\nline-2\nline-3\nline-4\nline-5\nwaiting\n");
                assertThat(chromium.evaluate("document.getElementById('job-status').textContent")).isEqualTo("running");
                shot(chromium, "job-live");

                click(chromium, "#stop");
                assertThat(chromium.awaitPageText("stopped by request", WAIT)).contains("Status: error");
                assertThat(chromium.evaluate("String(document.getElementById('stop').hidden)")).isEqualTo("true");
                assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(run.exitValue()).isNotZero();
                shot(chromium, "job-stopped");
            } finally {
                run.destroyForcibly();
            }

            click(chromium, "a[href=\"/tokens\"]");
            chromium.awaitPageText("from-the-browser", WAIT);
            chromium.evaluate("[...document.querySelectorAll('tr')].find(r => r.textContent.includes("
                    + "'from-the-browser')).querySelector('button').click(); true");
            awaitGone(chromium, "from-the-browser");
            Proc.Result refused = Proc.run(env, WAIT, Repo.mags(), "run", "echo never");
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.stdout()).doesNotContain("never");
            assertThat(refused.stderr()).containsIgnoringCase("token");
        }
    }

    @Test
    void anAdminManagesWorkspacesCronUrlsAndUsersAndSeesUsageAndTheServersNumbers() throws Exception {
        Api api = new Api(magsd.url(), magsd.adminToken());
        String ws = api.submitJson("{\"script\": \"echo kept > /root/kept\", \"workspace_id\": \"dash-ws\","
                + " \"persistent\": true}");
        awaitStatus(api, ws, "running");
        assertThat(api.post("/api/v1/mags-jobs/dash-ws/sync", "{}").status()).isEqualTo(200);
        String busy = api.submitJson("{\"script\": \"sleep 600\", \"workspace_id\": \"dash-ws\"}");
        awaitStatus(api, busy, "running");

        try (Chromium chromium = new Chromium(tmp.resolve("chromium-2"))) {
            chromium.open(magsd.url() + "/workspaces");
            chromium.awaitPageText("Sign in", WAIT);
            signIn(chromium, magsd.adminToken());
            chromium.awaitPageText("dash-ws", WAIT);
            assertThat(cell(chromium, "tr[data-workspace=\"dash-ws\"]", 1)).isEqualTo("persistent");
            assertThat(cell(chromium, "tr[data-workspace=\"dash-ws\"]", 6)).isEqualTo("live");
            assertThat(cell(chromium, "tr[data-workspace=\"dash-ws\"]", 5)).isEqualTo("1"); // one snapshot
            assertThat(cell(chromium, "tr[data-workspace=\"dash-ws\"]", 4)).isNotEmpty(); // its time
            shot(chromium, "workspaces");

            click(chromium, "a[href=\"/urls\"]");
            chromium.awaitPageText("Create alias", WAIT);
            chromium.evaluate("document.getElementById('alias-subdomain').value = 'www';"
                    + " document.getElementById('alias-workspace').value = 'dash-ws';"
                    + " document.getElementById('new-alias').requestSubmit(); true");
            assertThat(chromium.awaitPageText("reserved", WAIT)).contains("URL aliases"); // the API's error, as text
            chromium.evaluate("document.getElementById('alias-subdomain').value = 'dash-app';"
                    + " document.getElementById('new-alias').requestSubmit(); true");
            assertThat(chromium.awaitPageText("dash-app.", WAIT)).contains("dash-ws");
            shot(chromium, "urls");
            chromium.evaluate("[...document.querySelectorAll('tr')].find(r => r.textContent.includes('dash-app'))"
                    + ".querySelector('button').click(); true");
            awaitGone(chromium, "dash-app.");

            // A workspace with a job running in it cannot be deleted: the API's refusal shows as text; once that job
            // has ended, it can (its kept sandbox ends with it).
            click(chromium, "a[href=\"/workspaces\"]");
            chromium.awaitPageText("dash-ws", WAIT);
            chromium.evaluate("window.confirm = () => true; document.querySelector("
                    + "'tr[data-workspace=\"dash-ws\"] button').click(); true");
            awaitTrue(chromium, "document.getElementById('workspace-error').textContent !== ''");
            assertThat(chromium.evaluate("document.getElementById('workspace-error').textContent"))
                    .contains("dash-ws", "stop the job");
            assertThat(api.post("/api/v1/mags-jobs/" + busy + "/stop", "{}").status()).isEqualTo(200);
            api.awaitFinal(busy, WAIT);
            chromium.evaluate("window.confirm = () => true; document.querySelector("
                    + "'tr[data-workspace=\"dash-ws\"] button').click(); true");
            awaitGone(chromium, "dash-ws");

            click(chromium, "a[href=\"/cron\"]");
            chromium.awaitPageText("Create cron job", WAIT);
            fillCron(chromium, "nightly", "61 3 * * *"); // no minute 61: the API's error shows, nothing is made
            assertThat(chromium.evaluate("document.getElementById('cron-error').textContent")).isNotEmpty();
            assertThat(chromium.evaluate("String(document.querySelector('tr[data-cron]'))")).isEqualTo("null");
            fillCron(chromium, "nightly", "0 3 * * *");
            chromium.awaitPageText("echo from cron", WAIT);
            assertThat(cell(chromium, "tr[data-cron=\"nightly\"]", 4)).isEqualTo("yes");
            assertThat(cell(chromium, "tr[data-cron=\"nightly\"]", 6)).isNotEmpty(); // the next run
            shot(chromium, "cron");
            chromium.evaluate("document.querySelector('tr[data-cron=\"nightly\"] button').click(); true");
            awaitCell(chromium, "tr[data-cron=\"nightly\"]", 4, "no");
            assertThat(cell(chromium, "tr[data-cron=\"nightly\"]", 6)).isEmpty(); // disabled: no next run
            chromium.evaluate("window.confirm = () => true; document.querySelectorAll("
                    + "'tr[data-cron=\"nightly\"] button')[1].click(); true");
            awaitGone(chromium, "echo from cron");

            click(chromium, "a[href=\"/usage\"]");
            String usage = chromium.awaitPageText("sandbox hours", WAIT);
            assertThat(usage).containsPattern("\\d+ jobs");
            assertThat(Integer.parseInt(chromium.evaluate("String(document.querySelectorAll('#usage-chart rect.jobs')"
                    + ".length)"))).isGreaterThan(0);
            assertThat(chromium.evaluate("String([...document.querySelectorAll('#usage-chart rect.jobs')]"
                    + ".some(r => Number(r.getAttribute('height')) > 0))")).isEqualTo("true");
            shot(chromium, "usage");

            assertThat(chromium.evaluate("String(document.getElementById('nav-admin').hidden)")).isEqualTo("false");
            click(chromium, "a[href=\"/admin\"]");
            String admin = chromium.awaitPageText("Create user", WAIT);
            assertThat(admin).contains("Jobs by status", "completed", "Warm pool", "SSH sessions", "admin");
            chromium.evaluate("document.getElementById('user-name').value = 'bob';"
                    + " document.getElementById('new-user').requestSubmit(); true");
            chromium.awaitPageText("First token of bob", WAIT);
            String bobToken = chromium.evaluate("document.querySelector('#user-made .secret').textContent");
            shot(chromium, "admin");

            // Bob's job is not the admin's: its page says so, as for an id that does not exist.
            Api bob = new Api(magsd.url(), bobToken);
            assertThat(bob.get("/api/v1/server-stats").status()).isEqualTo(403); // no admin: not the server's numbers
            String bobs = bob.submit("echo bob's");
            bob.awaitFinal(bobs, WAIT);
            chromium.open(magsd.url() + "/jobs/" + bobs);
            assertThat(chromium.awaitPageText("not found", WAIT)).doesNotContain("bob's");
            shot(chromium, "foreign-job");

            chromium.open(magsd.url() + "/admin");
            chromium.awaitPageText("bob", WAIT);
            chromium.evaluate("document.querySelector('tr[data-user=\"bob\"] button').click(); true");
            awaitCell(chromium, "tr[data-user=\"bob\"]", 3, "disabled");
            assertThat(bob.get("/api/v1/me").status()).isEqualTo(401);
        }
    }

    @Test
    void metricsAfterAFewJobsShowTheirCountsAndDurations() throws Exception {
        Api api = new Api(magsd.url(), magsd.adminToken());
        for (String script : new String[] {"echo one", "echo two", "exit 3"}) {
            api.awaitFinal(api.submit(script), WAIT);
        }
        Proc.Result curl = Proc.run(Map.of(), WAIT, Path.of("/usr/bin/curl"), "-sf", magsd.url() + "/metrics");
        assertThat(curl.exitCode()).as(curl.stderr()).isZero();
        assertThat(curl.stdout())
                .containsPattern("mags_jobs\\{status=\"completed\"} [1-9]")
                .containsPattern("mags_jobs\\{status=\"error\"} [1-9]")
                .containsPattern("mags_job_duration_seconds_count\\{status=\"completed\"} [2-9]")
                .containsPattern("mags_job_duration_seconds_sum\\{status=\"completed\"} \\d")
                .containsPattern("mags_job_duration_seconds_count\\{status=\"error\"} [1-9]")
                .contains("mags_sandboxes_sleeping ")
                .contains("mags_warm_pool_ready ", "mags_warm_pool_target 0.0",
                        "mags_warm_pool_takes_total{result=\"miss\"}")
                .contains("mags_exec_sessions_open 0.0", "mags_ssh_sessions_open 0.0")
                .contains("mags_workspace_sync_seconds_count{result=\"failed\"}")
                .containsPattern("mags_http_requests_seconds_count\\{method=\"POST\",route=\"/api/v1/mags-jobs\","
                        + "status=\"202\"} [3-9]")
                .contains("jvm_memory_used_bytes");
    }

    private static void signIn(Chromium chromium, String token) throws Exception {
        chromium.evaluate("document.getElementById('token').value = " + js(token) + ";"
                + " document.getElementById('signin').requestSubmit(); true");
        chromium.awaitPageText("Sign out", WAIT);
    }

    private static void fillCron(Chromium chromium, String name, String schedule) throws Exception {
        chromium.evaluate("document.getElementById('cron-name').value = " + js(name) + ";"
                + " document.getElementById('cron-schedule').value = " + js(schedule) + ";"
                + " document.getElementById('cron-script').value = 'echo from cron';"
                + " document.getElementById('cron-error').textContent = '';"
                + " document.getElementById('new-cron').requestSubmit(); true");
        awaitTrue(chromium, "document.getElementById('cron-error').textContent !== ''"
                + " || !!document.querySelector(" + js("tr[data-cron=\"" + name + "\"]") + ")");
    }

    private static void click(Chromium chromium, String selector) throws Exception {
        chromium.evaluate("document.querySelector(" + js(selector) + ").click(); true");
    }

    /** The text of the {@code index}th cell (from 0) of the row {@code row} selects. */
    private static String cell(Chromium chromium, String row, int index) throws Exception {
        return chromium.evaluate("document.querySelector(" + js(row) + ").children[" + index + "].textContent");
    }

    private static void awaitCell(Chromium chromium, String row, int index, String prefix) throws Exception {
        awaitTrue(chromium, "(document.querySelector(" + js(row) + ") || {children: []}).children[" + index
                + "]?.textContent.startsWith(" + js(prefix) + ")");
    }

    private static void awaitOutput(Chromium chromium, String text) throws Exception {
        awaitTrue(chromium, "(document.getElementById('output') || {textContent: ''}).textContent.includes("
                + js(text) + ")");
    }

    private static void awaitGone(Chromium chromium, String text) throws Exception {
        awaitTrue(chromium, "!document.body.innerText.includes(" + js(text) + ")");
    }

    private static void awaitTrue(Chromium chromium, String condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!chromium.evaluate("String(" + condition + ")").equals("true")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page never met " + condition + "; it shows: "
                        + chromium.evaluate("document.body.innerText"));
            }
            Thread.sleep(100);
        }
    }

    private static void shot(Chromium chromium, String name) throws Exception {
        chromium.screenshot(SHOTS.resolve(name + ".png"));
    }

    private static String jobNamed(Api api, String name) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode job : api.get("/api/v1/mags-jobs?page_size=100").body().path("jobs")) {
                if (job.path("name").asText().equals(name)) {
                    return job.path("request_id").asText();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no job named " + name);
    }

    private static void awaitStatus(Api api, String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = api.get("/api/v1/mags-jobs/" + id + "/status").body().path("status").asText();
            if (last.equals(status)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " is " + last + ", never " + status);
    }

    private static String js(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }
}
