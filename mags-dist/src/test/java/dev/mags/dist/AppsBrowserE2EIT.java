package dev.mags.dist;

import dev.mags.testkit.Chromium;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser at a public URL: Debian's headless Chromium opens the URL that {@code mags run -p --url} printed
 * for an app in a debian sandbox ({@link TestWebApp}); the page's script opens a WebSocket back to the same host, through magsd's proxy, sends a
 * message and writes the app's echo into the page, which the test reads. Runs wherever Chromium is installed
 * ({@code scripts/install-deps chromium}, as {@code scripts/test} does) and always under CI.
 */
class AppsBrowserE2EIT {
    private static final Duration CLI = Duration.ofSeconds(120);
    @TempDir
    Path tmp;

    @Test
    void aPageInChromiumEchoesAMessageThroughAWebSocketBackThroughTheProxy() throws Exception {
        Assumptions.assumeTrue(Chromium.installed() || System.getenv("CI") != null,
                "Chromium is not installed: install it with scripts/install-deps chromium (under CI this test runs)");
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), TestImages.debian(), "debian").start()) {
            Map<String, String> env = magsd.cliEnv(Files.createDirectories(tmp.resolve("home")));
            Proc.Result run = Proc.run(env, CLI, Repo.mags(), "run", "-w", "echo", "-p", "--url", TestWebApp.script(8080));
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            String url = run.stdout().strip();

            String page;
            try (Chromium chromium = new Chromium(tmp.resolve("chromium"))) {
                page = chromium.awaitText(url, "echoes:", Duration.ofSeconds(90));
            }

            // The app answers with its host name: the echo came from the sandbox, not from anything on the way.
            assertThat(page.strip()).isEqualTo("mags-vm echoes: hello through the proxy");
            assertThat(Proc.run(env, CLI, Repo.mags(), "stop", "echo").exitCode()).isZero();
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }
}
