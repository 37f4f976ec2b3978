package dev.mags.cli.config;

/** The CLI's configuration is missing or unreadable; the message says what to do about it. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
