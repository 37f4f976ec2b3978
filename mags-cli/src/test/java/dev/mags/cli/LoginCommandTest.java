package dev.mags.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private CliFixture cli;
    private Path config;

    @BeforeEach
    void setUp() {
        cli = new CliFixture(home);
        cli.env.remove("MAGS_API_TOKEN");
        cli.env.remove("MAGS_API_URL");
        cli.server.on("GET", "/api/v1/me", (request, exchange) -> {
            if ("Bearer good-token".equals(request.header("Authorization"))) {
                dev.mags.sdk.FakeMagsServer.reply(exchange, 200, "{\"user\":\"alice\",\"admin\":false,\"token_prefix\":\"good\"}");
            } else {
                dev.mags.sdk.FakeMagsServer.reply(exchange, 401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"invalid token\"}}");
            }
        });
        config = home.resolve(".mags/config.json");
    }

    @AfterEach
    void tearDown() {
        cli.close();
    }

    @Test
    void verifiesTheTokenThenWritesAPrivateConfigFile() throws Exception {
        CliFixture.Result result = cli.run("login", "--url", cli.server.uri() + "/", "--token", "good-token");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).startsWith("Logged in to " + cli.server.uri() + " as alice.");
        assertThat(JSON.readTree(config.toFile())).isEqualTo(JSON.readTree(
                "{\"api_url\":\"" + cli.server.uri() + "\",\"api_token\":\"good-token\"}"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.getParent()))).isEqualTo("rwx------");
        try (var leftovers = Files.list(config.getParent())) {
            assertThat(leftovers).containsExactly(config);
        }
    }

    @Test
    void asksForTheTokenWhenNotGiven() {
        cli.stdin = "good-token\n";

        CliFixture.Result result = cli.run("login", "--url", cli.server.uri().toString());

        assertThat(result.exit()).isZero();
        assertThat(result.err()).startsWith("Open " + cli.server.uri() + "/tokens in a browser, create a token there"
                + " and paste it below.\nAPI token for " + cli.server.uri() + ": ");
        assertThat(config).content().contains("good-token");
    }

    @Test
    void opensTheTokenPageInTheBrowserThenAsksForTheToken() throws Exception {
        Path opened = fakeXdgOpen();
        cli.env.put("DISPLAY", ":0");
        cli.stdin = "good-token\n";

        CliFixture.Result result = cli.run("login", "--url", cli.server.uri() + "/");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(opened).content().isEqualTo(cli.server.uri() + "/tokens\n");
        assertThat(result.err()).startsWith("Opened " + cli.server.uri() + "/tokens in your browser");
        assertThat(config).content().contains("good-token");
    }

    @Test
    void noBrowserWithoutAGraphicalSessionWithNoBrowserOrWithToken() throws Exception {
        Path opened = fakeXdgOpen();
        cli.stdin = "good-token\n";

        CliFixture.Result console = cli.run("login", "--url", cli.server.uri().toString());
        cli.env.put("DISPLAY", ":0");
        cli.stdin = "good-token\n";
        CliFixture.Result refused = cli.run("login", "--url", cli.server.uri().toString(), "--no-browser");
        CliFixture.Result given = cli.run("login", "--url", cli.server.uri().toString(), "--token", "good-token");

        assertThat(console.exit()).isZero();
        assertThat(console.err()).startsWith("Open " + cli.server.uri() + "/tokens in a browser");
        assertThat(refused.exit()).isZero();
        assertThat(refused.err()).startsWith("Open " + cli.server.uri() + "/tokens in a browser");
        assertThat(given.exit()).isZero();
        assertThat(given.err()).doesNotContain("/tokens");
        assertThat(opened).doesNotExist();
    }

    @Test
    void aFailingOpenerFallsBackToTheAddress() throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path script = bin.resolve("xdg-open");
        Files.writeString(script, "#!/bin/sh\nexit 3\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        cli.env.put("PATH", bin.toString());
        cli.env.put("DISPLAY", ":0");
        cli.stdin = "good-token\n";

        CliFixture.Result result = cli.run("login", "--url", cli.server.uri().toString());

        assertThat(result.exit()).isZero();
        assertThat(result.err()).startsWith("Open " + cli.server.uri() + "/tokens in a browser");
    }

    /** An xdg-open on the PATH that writes its argument to the returned file, as a browser would get it. */
    private Path fakeXdgOpen() throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path opened = home.resolve("opened.txt");
        Path script = bin.resolve("xdg-open");
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$1\" > '" + opened + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        cli.env.put("PATH", bin.toString());
        return opened;
    }

    @Test
    void rejectedTokenIsNotSaved() {
        CliFixture.Result result = cli.run("login", "--url", cli.server.uri().toString(), "--token", "bad");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("mags: the server at " + cli.server.uri() + " rejected the token: invalid token\n");
        assertThat(config).doesNotExist();
    }

    @Test
    void savedLoginIsUsedByLaterCommandsAndLogoutRemovesTheToken() throws Exception {
        cli.run("login", "--url", cli.server.uri().toString(), "--token", "good-token");

        CliFixture.Result whoami = cli.run("whoami");
        CliFixture.Result logout = cli.run("logout");
        CliFixture.Result afterwards = cli.run("whoami");

        assertThat(whoami.out()).startsWith("Logged in to " + cli.server.uri() + " as alice");
        assertThat(logout.out()).isEqualTo("Removed the saved token from " + config + ".\n");
        assertThat(JSON.readTree(config.toFile())).isEqualTo(JSON.readTree("{\"api_url\":\"" + cli.server.uri() + "\"}"));
        assertThat(afterwards.exit()).isEqualTo(1);
        assertThat(afterwards.err()).isEqualTo("mags: no API token; run 'mags login' or set MAGS_API_TOKEN\n");
    }

    @Test
    void logoutWithoutLoginSaysSo() {
        CliFixture.Result result = cli.run("logout");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).startsWith("No saved token");
    }
}
