package dev.mags.cli.output;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Small formatting rules shared by the commands' human output. */
public final class Text {
    public static final String NONE = "-";
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Text() {}

    /** {@code text} on one line (whitespace runs become one space), cut to {@code max} characters. */
    public static String oneLine(String text, int max) {
        if (text == null) {
            return NONE;
        }
        String flat = text.strip().replaceAll("\\s+", " ");
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }

    public static String orNone(Object value) {
        return value == null ? NONE : value.toString();
    }

    /** E.g. {@code 512 B}, {@code 3.4 MiB}, {@code 1.0 GiB}; {@link #NONE} for null. */
    public static String bytes(Long n) {
        if (n == null) {
            return NONE;
        }
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** An instant as local date and time in {@code zone}. */
    public static String time(Instant instant, ZoneId zone) {
        return instant == null ? NONE : LOCAL.format(instant.atZone(zone));
    }

    /** E.g. {@code 850ms}, {@code 2.5s}, {@code 3m04s}, {@code 1h02m}. */
    public static String duration(Instant from, Instant to) {
        if (from == null || to == null) {
            return NONE;
        }
        Duration d = Duration.between(from, to);
        if (d.isNegative()) {
            return NONE;
        }
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        if (d.toSeconds() < 60) {
            return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
        }
        if (d.toMinutes() < 60) {
            return String.format(java.util.Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
        }
        return String.format(java.util.Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart());
    }
}
