package dev.mags.cli.config;

/** The settings stored in {@code ~/.mags/config.json}; either may be {@code null}. */
public record SavedConfig(String apiUrl, String apiToken) {
    public static final SavedConfig EMPTY = new SavedConfig(null, null);
}
