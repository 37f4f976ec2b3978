package dev.mags.agent.rootfs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code /proc/self/mountinfo}. Fields are separated by spaces; the kernel writes space, tab,
 * newline and backslash inside a path as octal escapes ({@code \040}, {@code \011}, {@code \012},
 * {@code \134}). Optional fields come between the fifth field and a lone {@code -}.
 */
public final class MountInfo {
    private MountInfo() {}

    public static List<MountEntry> parse(String text) {
        List<MountEntry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                entries.add(parseLine(line));
            }
        }
        return entries;
    }

    static MountEntry parseLine(String line) {
        String[] fields = line.trim().split(" ");
        int separator = -1;
        for (int i = 6; i < fields.length; i++) {
            if (fields[i].equals("-")) {
                separator = i;
                break;
            }
        }
        if (fields.length < 7 || separator < 0 || separator + 2 >= fields.length) {
            throw new IllegalArgumentException("not a mountinfo line: " + line);
        }
        return new MountEntry(Path.of(unescape(fields[4])), unescape(fields[separator + 1]),
                unescape(fields[separator + 2]));
    }

    /** Replaces each backslash followed by three octal digits with the character it encodes. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
