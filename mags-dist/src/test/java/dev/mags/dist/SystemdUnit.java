package dev.mags.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A systemd unit file as systemd reads it, as far as the checks need: [Section]s of Key=value lines (a key may
 * repeat), # and ; comments, a trailing backslash continuing a line.
 */
record SystemdUnit(Path file, Map<String, Map<String, List<String>>> sections) {

    static SystemdUnit parse(Path file) throws IOException {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        StringBuilder pending = new StringBuilder();
        int n = 0;
        for (String raw : Files.readAllLines(file)) {
            n++;
            String line = pending.isEmpty() ? raw.strip() : pending + " " + raw.strip();
            if (line.endsWith("\\")) {
                pending.setLength(0);
                pending.append(line, 0, line.length() - 1);
                continue;
            }
            pending.setLength(0);
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1), s -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (current == null || eq <= 0) {
                throw new IllegalArgumentException(file + ":" + n + ": neither a [Section] nor a Key=value line in one: " + raw);
            }
            current.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
        }
        return new SystemdUnit(file, sections);
    }

    List<String> values(String section, String key) {
        return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
    }

    Optional<String> value(String section, String key) {
        List<String> all = values(section, key);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    /** An Exec*= line's words, without the prefixes that change how systemd runs it ({@code -}, {@code @}, ...). */
    static List<String> command(String exec) {
        String line = exec.replaceFirst("^[-@:+!]+", "");
        return List.of(line.strip().split("\\s+"));
    }
}
