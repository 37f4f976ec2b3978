package dev.mags.cli.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the CLI takes from its process environment, read once in {@code main}: the
 * {@code MAGS_API_URL} and {@code MAGS_API_TOKEN} overrides ({@code null} when unset or empty),
 * the home directory ({@code HOME}, else the JVM's {@code user.home}, which ignores
 * {@code HOME}), the {@code PATH} programs are looked up on ({@code null} when unset), and the
 * program that opens a URL in the user's browser: {@code open} on macOS, {@code xdg-open} in a
 * graphical session elsewhere ({@code DISPLAY} or {@code WAYLAND_DISPLAY} set), else {@code null}
 * (on a console {@code xdg-open} may start a text browser in the very terminal that waits for input).
 */
public record CliEnvironment(String apiUrl, String apiToken, Path home, String path, String browserOpener) {
    public static final String API_URL = "MAGS_API_URL";
    public static final String API_TOKEN = "MAGS_API_TOKEN";

    public static CliEnvironment from(Map<String, String> env, String userHome) {
        String home = nonBlank(env.get("HOME"));
        return new CliEnvironment(nonBlank(env.get(API_URL)), nonBlank(env.get(API_TOKEN)),
                Path.of(home != null ? home : userHome).toAbsolutePath(), nonBlank(env.get("PATH")),
                browserOpener(env, System.getProperty("os.name", "")));
    }

    static String browserOpener(Map<String, String> env, String osName) {
        if (osName.startsWith("Mac")) {
            return "open";
        }
        return nonBlank(env.get("DISPLAY")) != null || nonBlank(env.get("WAYLAND_DISPLAY")) != null ? "xdg-open" : null;
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
