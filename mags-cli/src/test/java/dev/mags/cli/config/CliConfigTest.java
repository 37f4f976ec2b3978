package dev.mags.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliConfigTest {
    @TempDir
    Path home;

    private CliConfig resolve(Map<String, String> env) {
        CliEnvironment environment = CliEnvironment.from(env, "/elsewhere");
        return CliConfig.resolve(environment, new ConfigFile(environment.home()).load());
    }

    private void saveFile(String json) throws IOException {
        Files.createDirectories(home.resolve(".mags"));
        Files.writeString(home.resolve(".mags/config.json"), json);
    }

    @Test
    void environmentWinsOverTheFile() throws IOException {
        saveFile("{\"api_url\":\"http://file:1\",\"api_token\":\"file-token\",\"other\":1}");

        CliConfig config = resolve(Map.of("HOME", home.toString(),
                "MAGS_API_URL", "http://env:2/", "MAGS_API_TOKEN", "env-token"));

        assertThat(config).isEqualTo(new CliConfig(URI.create("http://env:2"), "env-token"));
    }

    @Test
    void fileFillsWhatTheEnvironmentLeavesOpen() throws IOException {
        saveFile("{\"api_url\":\"https://mags.example.com\",\"api_token\":\"file-token\"}");

        assertThat(resolve(Map.of("HOME", home.toString(), "MAGS_API_TOKEN", "env-token")))
                .isEqualTo(new CliConfig(URI.create("https://mags.example.com"), "env-token"));
        assertThat(resolve(Map.of("HOME", home.toString(), "MAGS_API_URL", "")))
                .isEqualTo(new CliConfig(URI.create("https://mags.example.com"), "file-token"));
    }

    @Test
    void defaultsWithoutFileOrEnvironment() {
        CliConfig config = resolve(Map.of("HOME", home.toString()));

        assertThat(config.apiUrl()).isEqualTo(CliConfig.DEFAULT_URL);
        assertThat(config.apiToken()).isNull();
        assertThatThrownBy(config::requireToken).hasMessage(CliConfig.NO_TOKEN);
    }

    @Test
    void homeComesFromTheHomeVariableBeforeUserHome() {
        assertThat(CliEnvironment.from(Map.of("HOME", home.toString()), "/elsewhere").home()).isEqualTo(home);
        assertThat(CliEnvironment.from(Map.of(), "/elsewhere").home()).isEqualTo(Path.of("/elsewhere"));
    }

    @Test
    void aBrowserIsOpenedOnMacOsOrInAGraphicalSessionOnly() {
        assertThat(CliEnvironment.browserOpener(Map.of(), "Mac OS X")).isEqualTo("open");
        assertThat(CliEnvironment.browserOpener(Map.of("DISPLAY", ":0"), "Linux")).isEqualTo("xdg-open");
        assertThat(CliEnvironment.browserOpener(Map.of("WAYLAND_DISPLAY", "wayland-0"), "Linux")).isEqualTo("xdg-open");
        assertThat(CliEnvironment.browserOpener(Map.of("DISPLAY", " "), "Linux")).isNull();
        assertThat(CliEnvironment.browserOpener(Map.of(), "Linux")).isNull();
    }

    @Test
    void badValuesNameTheirSource() throws IOException {
        assertThatThrownBy(() -> resolve(Map.of("HOME", home.toString(), "MAGS_API_URL", "localhost:8080")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid API URL 'localhost:8080' (from MAGS_API_URL)");
        saveFile("{not json");
        assertThatThrownBy(() -> resolve(Map.of("HOME", home.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot read " + home.resolve(".mags/config.json") + ": ");
    }
}
