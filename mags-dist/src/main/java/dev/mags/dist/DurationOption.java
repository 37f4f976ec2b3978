package dev.mags.dist;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A duration option such as {@code 30d}, {@code 12h}, {@code 90m} or {@code 45s}. */
final class DurationOption {
    private static final Pattern FORM = Pattern.compile("([0-9]{1,9})([smhd])");

    private DurationOption() {}

    static Duration parse(String option, String value) {
        Matcher m = FORM.matcher(value.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException(option + " '" + value + "' is not a duration: write a positive number "
                    + "followed by s, m, h or d, e.g. 30d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
