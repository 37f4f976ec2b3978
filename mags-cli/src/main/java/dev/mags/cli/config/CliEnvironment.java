package dev.mags.cli.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the CLI takes from its process environment, read once in {@code main}: the
 * {@code MAGS_API_URL} and {@code MAGS_API_TOKEN} overrides ({@code null} when unset or empty),
 * the home directory ({@code HOME}, else the JVM's {@code user.home}, which ignores
 * {@code HOME}) and the {@code PATH} programs are looked up on ({@code null} when unset).
 */
public record CliEnvironment(String apiUrl, String apiToken, Path home, String path) {
    public static final String API_URL = "MAGS_API_URL";
    public static final String API_TOKEN = "MAGS_API_TOKEN";

    public static CliEnvironment from(Map<String, String> env, String userHome) {
        String home = nonBlank(env.get("HOME"));
        return new CliEnvironment(nonBlank(env.get(API_URL)), nonBlank(env.get(API_TOKEN)),
                Path.of(home != null ? home : userHome).toAbsolutePath(), nonBlank(env.get("PATH")));
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
