package dev.mags.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the runtime's own log ({@code --log F --log-format json}): one JSON object per line with
 * {@code level} and {@code msg}. An error entry means the runtime failed, as opposed to the
 * sandbox's process exiting non-zero.
 */
public final class RuntimeLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RuntimeLog() {}

    /** The messages of error-level entries, oldest first; empty if the log is missing or clean. */
    public static List<String> errors(Path log) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            return List.of("cannot read runtime log " + log + ": " + e.getMessage());
        }
        return errorsIn(lines);
    }

    static List<String> errorsIn(List<String> lines) {
        List<String> errors = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode entry = JSON.readTree(line);
                String level = entry.path("level").asText("");
                if (level.equals("error") || level.equals("fatal")) {
                    errors.add(entry.path("msg").asText(line));
                }
            } catch (IOException e) {
                // Not JSON: a runtime that ignores --log-format writes logfmt text instead.
                if (line.contains("level=error") || line.contains("level=fatal")) {
                    errors.add(line.strip());
                }
            }
        }
        return errors;
    }
}
