package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a log line came from: the script's two streams, or mags itself. */
public enum LogSource {
    STDOUT, STDERR, SYSTEM;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static LogSource fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
