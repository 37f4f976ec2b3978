package dev.mags.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The JDK's jcmd, of the JDK a JVM runs on, to read what that JVM's heap holds. */
final class Jcmd {
    private static final Pattern USED = Pattern.compile("total reserved \\d+K, committed \\d+K, used (\\d+)K");

    private Jcmd() {}

    /** Bytes the heap of JVM {@code pid} holds after a full collection: what it keeps, not its garbage. */
    static long heapUsedAfterGc(long pid) {
        run(pid, "GC.run");
        String info = run(pid, "GC.heap_info");
        Matcher m = USED.matcher(info);
        if (!m.find()) {
            throw new AssertionError("no heap figures in jcmd's answer:\n" + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String run(long pid, String command) {
        Proc.Result r = Proc.run(Map.of(), Duration.ofMinutes(1), binaryFor(pid), Long.toString(pid), command);
        if (r.exitCode() != 0) {
            throw new AssertionError("jcmd " + pid + " " + command + " failed: " + r.stdout() + r.stderr());
        }
        return r.stdout();
    }

    /** jcmd beside the java binary the process runs: another JDK's may not attach. */
    private static Path binaryFor(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).resolveSibling("jcmd");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
