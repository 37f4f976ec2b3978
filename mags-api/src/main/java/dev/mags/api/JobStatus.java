package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Job status values; the wire names are fixed by the reference API. */
public enum JobStatus {
    PENDING, RUNNING, SLEEPING, COMPLETED, ERROR;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static JobStatus fromWire(String value) {
        for (JobStatus s : values()) {
            if (s.wireName().equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown job status '" + value + "'");
    }

    /** A final status never changes again. */
    public boolean isFinal() {
        return this == COMPLETED || this == ERROR;
    }
}
