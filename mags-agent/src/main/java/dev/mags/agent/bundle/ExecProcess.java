package dev.mags.agent.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The process file of {@code runc exec --process}: the container's own process section of
 * config.json (user, capabilities, rlimits, no-new-privileges, base environment: whatever the bundle
 * sets), with the job's argv, environment and working directory. Through a file readable only by
 * root, so that the job's environment (API keys, say) never shows in the host's process list.
 */
public final class ExecProcess {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExecProcess() {}

    /** A terminal for the process: its size in characters. */
    public record Console(int cols, int rows) {}

    /** {@link #write(Path, Path, List, Map, String, Console)} without a terminal. */
    public static void write(Path bundleDir, Path target, List<String> args, Map<String, String> environment, String cwd)
            throws IOException {
        write(bundleDir, target, args, environment, cwd, null);
    }

    /**
     * Writes {@code target} (mode 0600) from the bundle's {@code config.json}.
     *
     * @param environment on top of the container's environment, which it overrides by name
     * @param console     a terminal of this size for the process's stdin, stdout and stderr; null for none
     */
    public static void write(Path bundleDir, Path target, List<String> args, Map<String, String> environment, String cwd,
            Console console) throws IOException {
        JsonNode config = JSON.readTree(bundleDir.resolve(ConfigJson.FILE_NAME).toFile());
        if (!(config.get("process") instanceof ObjectNode base)) {
            throw new IOException(bundleDir.resolve(ConfigJson.FILE_NAME) + " has no process section");
        }
        ObjectNode process = base.deepCopy();
        process.put("terminal", console != null);
        if (console != null) {
            ObjectNode size = process.putObject("consoleSize");
            size.put("height", console.rows());
            size.put("width", console.cols());
        }
        process.put("cwd", cwd);
        ArrayNode argv = process.putArray("args");
        args.forEach(argv::add);
        ArrayNode env = process.putArray("env");
        merge(base.path("env"), environment).forEach((name, value) -> env.add(name + "=" + value));
        Files.deleteIfExists(target);
        Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        JSON.writeValue(target.toFile(), process);
    }

    /** The container's variables in their order, then the job's in name order; the job wins on a clash. */
    static Map<String, String> merge(JsonNode baseEnv, Map<String, String> environment) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (JsonNode entry : baseEnv) {
            String text = entry.asText();
            int eq = text.indexOf('=');
            if (eq > 0) {
                merged.put(text.substring(0, eq), text.substring(eq + 1));
            }
        }
        merged.putAll(new TreeMap<>(environment));
        return merged;
    }
}
