package dev.mags.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ~/.mags/config.json} as a user sees it on disk. */
class ConfigFileTest {
    @TempDir
    Path home;

    private Path file() {
        return home.resolve(".mags/config.json");
    }

    @Test
    void savingKeepsKeysItDoesNotKnowAndWritesAPrivateReadableFile() throws Exception {
        Files.createDirectories(home.resolve(".mags"));
        Files.writeString(file(), "{\"api_token\": \"old\", \"other\": {\"list\": [1, 2.5, true, null, \"\\u00e9\\n\"]}}");
        ConfigFile config = new ConfigFile(home);

        config.save(URI.create("http://127.0.0.1:8080"), "mags_new\"token");

        assertThat(Files.readString(file())).isEqualTo("""
                {
                  "api_token" : "mags_new\\"token",
                  "other" : {
                    "list" : [ 1, 2.5, true, null, "\u00e9\\n" ]
                  },
                  "api_url" : "http://127.0.0.1:8080"
                }
                """);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
        assertThat(config.load()).isEqualTo(new SavedConfig("http://127.0.0.1:8080", "mags_new\"token"));
        assertThat(config.removeToken()).isTrue();
        assertThat(config.load()).isEqualTo(new SavedConfig("http://127.0.0.1:8080", null));
    }

    @Test
    void aFileThatIsNotOneJsonObjectIsNamedAsUnreadable() throws Exception {
        Files.createDirectories(home.resolve(".mags"));
        for (String bad : List.of("", "[]", "null", "{\"api_url\": \"x\"} {}", "{\"api_url\": 1}", "{\"api_url\": \"x\",}")) {
            Files.writeString(file(), bad);
            assertThatThrownBy(() -> new ConfigFile(home).load()).as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("cannot read " + file() + ": ");
        }
    }
}
