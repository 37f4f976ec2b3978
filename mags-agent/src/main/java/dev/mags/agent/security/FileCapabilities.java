package dev.mags.agent.security;

import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Reads and writes file capabilities ({@code security.capability}) with {@code getfattr} and
 * {@code setfattr} from Debian's {@code attr} package: Java's file attribute views reach only the
 * {@code user.} namespace of extended attributes.
 */
public final class FileCapabilities {
    /** Walking a Debian image (tens of thousands of files) takes well under a second. */
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    static final String ATTRIBUTE = "security.capability";

    private final CommandRunner runner;

    public FileCapabilities(CommandRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /** Never follows a symbolic link, nor descends through one. */
    public static List<String> readArgv(Path root) {
        return List.of("getfattr", "--recursive", "--physical", "--no-dereference", "--absolute-names",
                "--match=^security\\.capability$", "--encoding=hex", "--dump", root.toString());
    }

    public static List<String> restoreArgv(Path dump) {
        return List.of("setfattr", "--no-dereference", "--restore=" + dump);
    }

    /** Every file under {@code root} (itself included) that carries capabilities. */
    public List<FileCapability> read(Path root) {
        try {
            return parse(runner.run(readArgv(root), TIMEOUT).stdout());
        } catch (CommandFailedException e) {
            if (e.exitCode() == null && e.getCause() instanceof IOException) {
                throw new IllegalStateException("getfattr cannot be run (" + e.getCause().getMessage()
                        + "): install Debian's attr package (apt-get install attr)", e);
            }
            throw e;
        }
    }

    /** Sets each file's attribute to the given value. */
    public void write(List<FileCapability> capabilities) throws IOException {
        if (capabilities.isEmpty()) {
            return;
        }
        Path dump = Files.createTempFile("mags-file-caps-", ".dump");
        try {
            StringBuilder text = new StringBuilder();
            capabilities.forEach(c -> text.append(c.dumpEntry()));
            Files.writeString(dump, text);
            runner.run(restoreArgv(dump), TIMEOUT);
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    /** Parses {@code getfattr --dump --encoding=hex} output: "# file: PATH" then "name=0xHEX" lines. */
    static List<FileCapability> parse(String dump) {
        List<FileCapability> found = new ArrayList<>();
        String file = null;
        for (String line : dump.split("\n", -1)) {
            if (line.startsWith("# file: ")) {
                file = line.substring("# file: ".length());
            } else if (line.startsWith(ATTRIBUTE + "=")) {
                String value = line.substring(ATTRIBUTE.length() + 1);
                if (file == null || !value.startsWith("0x")) {
                    throw new IllegalArgumentException("unexpected getfattr output line: " + line);
                }
                found.add(new FileCapability(file, HexFormat.of().parseHex(value.substring(2))));
            }
        }
        return found;
    }
}
