package dev.mags.controlplane.exec;

import dev.mags.controlplane.error.BadRequestException;
import java.util.Locale;
import java.util.Map;

/** Signal names a client may send to an exec, and their Linux numbers. */
public final class Signals {
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("HUP", 1), Map.entry("INT", 2),
            Map.entry("QUIT", 3), Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("USR2", 12),
            Map.entry("TERM", 15), Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("TSTP", 20),
            Map.entry("WINCH", 28));

    private Signals() {}

    /** {@code INT}, {@code SIGINT} or {@code int}: 2. */
    public static int number(String name) {
        String n = name.strip().toUpperCase(Locale.ROOT);
        Integer number = NUMBERS.get(n.startsWith("SIG") ? n.substring(3) : n);
        if (number == null) {
            throw new BadRequestException("invalid_signal", "unknown signal '" + name + "'; one of "
                    + String.join(", ", new java.util.TreeSet<>(NUMBERS.keySet())));
        }
        return number;
    }
}
