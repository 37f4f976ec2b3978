package dev.mags.controlplane.exec;

import dev.mags.api.ExecRequest;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.PtySize;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks an exec request field by field and turns it into the agent's {@link ExecSpec}. The rules for names and
 * values are those of job submissions; a field that applies to the WebSocket only is refused on the POST route.
 */
public final class ExecRequests {
    /** Linux refuses a single argv string longer than MAX_ARG_STRLEN (32 pages). */
    static final int MAX_ARG_BYTES = 128 * 1024 - 1;
    static final int MAX_ARGS = 1024;
    static final int MAX_ENV_ENTRIES = 256;
    static final int MAX_CWD_CHARS = 4096;
    static final int DEFAULT_COLS = 80;
    static final int DEFAULT_ROWS = 24;

    /** What to start, and the text to write to its stdin first (null: none). */
    public record Parsed(ExecSpec spec, byte[] stdin) {}

    private final Duration maxTimeout;

    public ExecRequests(Duration maxTimeout) {
        this.maxTimeout = maxTimeout;
    }

    /** A request of {@code POST /exec}: pipes; stdin only when the request carries it. */
    public Parsed forPost(ExecRequest r) {
        if (r.tty() != null || r.cols() != null || r.rows() != null) {
            throw invalid("'tty', 'cols' and 'rows' apply to the WebSocket (GET /exec with an upgrade); a POST runs"
                    + " the command with pipes: remove them");
        }
        byte[] stdin = r.stdin() == null ? null : r.stdin().getBytes(StandardCharsets.UTF_8);
        return new Parsed(new ExecSpec(argv(r), environment(r.environment(), null), cwd(r.cwd()), stdin != null,
                null, timeout(r.timeout())), stdin);
    }

    /** The first message of a WebSocket: stdin always open (channel 0), a terminal when {@code tty}. */
    public Parsed forSocket(ExecRequest r) {
        boolean tty = Boolean.TRUE.equals(r.tty());
        if (!tty && (r.cols() != null || r.rows() != null)) {
            throw invalid("'cols' and 'rows' size a terminal: set \"tty\": true too, or remove them");
        }
        PtySize pty = tty ? size(r.cols(), r.rows()) : null;
        byte[] stdin = r.stdin() == null ? null : r.stdin().getBytes(StandardCharsets.UTF_8);
        return new Parsed(new ExecSpec(argv(r), environment(r.environment(), pty), cwd(r.cwd()), true, pty,
                timeout(r.timeout())), stdin);
    }

    private static List<String> argv(ExecRequest r) {
        if ((r.command() == null) == (r.argv() == null)) {
            throw invalid("give exactly one of 'command' (a shell command line, run with sh -c) and 'argv' (a"
                    + " program and its arguments)");
        }
        if (r.command() != null) {
            if (r.command().isBlank()) {
                throw invalid("'command' must not be blank");
            }
            checkArg("command", r.command());
            return List.of("sh", "-c", r.command());
        }
        if (r.argv().isEmpty() || r.argv().size() > MAX_ARGS) {
            throw invalid("'argv' must have 1 to " + MAX_ARGS + " strings (got " + r.argv().size() + ")");
        }
        for (String arg : r.argv()) {
            if (arg == null) {
                throw invalid("'argv' must hold strings, not null");
            }
            checkArg("argv", arg);
        }
        if (r.argv().getFirst().isEmpty()) {
            throw invalid("'argv' must start with the program to run, not an empty string");
        }
        return r.argv();
    }

    private static void checkArg(String field, String value) {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_ARG_BYTES) {
            throw invalid("'" + field + "' has a string of " + bytes + " bytes; at most " + MAX_ARG_BYTES
                    + " are allowed (send larger programs on stdin)");
        }
        if (value.indexOf('\0') >= 0) {
            throw invalid("'" + field + "' must not contain NUL characters");
        }
    }

    private static Map<String, String> environment(Map<String, String> env, PtySize pty) {
        Map<String, String> out = new LinkedHashMap<>();
        if (pty != null) {
            out.put("TERM", "xterm");
            out.put("LANG", "C.UTF-8");
        }
        if (env == null) {
            return out;
        }
        if (env.size() > MAX_ENV_ENTRIES) {
            throw invalid("'environment' has " + env.size() + " entries; at most " + MAX_ENV_ENTRIES + " are allowed");
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]{0,255}")) {
                throw invalid("environment variable name '" + e.getKey() + "' must match [A-Za-z_][A-Za-z0-9_]*");
            }
            if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
                throw invalid("environment variable '" + e.getKey() + "' must have a string value without NUL"
                        + " characters");
            }
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private static String cwd(String cwd) {
        if (cwd == null) {
            return null;
        }
        if (!cwd.startsWith("/") || cwd.length() > MAX_CWD_CHARS || cwd.indexOf('\0') >= 0) {
            throw invalid("'cwd' must be an absolute path inside the sandbox (starting with /, at most "
                    + MAX_CWD_CHARS + " characters), got '" + cwd + "'");
        }
        return cwd;
    }

    private Duration timeout(Integer seconds) {
        if (seconds == null) {
            return null;
        }
        if (seconds < 1 || seconds > maxTimeout.toSeconds()) {
            throw invalid("'timeout' must be between 1 and " + maxTimeout.toSeconds() + " seconds (got " + seconds
                    + ")");
        }
        return Duration.ofSeconds(seconds);
    }

    private static PtySize size(Integer cols, Integer rows) {
        int c = cols == null ? DEFAULT_COLS : cols;
        int r = rows == null ? DEFAULT_ROWS : rows;
        if (c < 1 || r < 1 || c > 10_000 || r > 10_000) {
            throw invalid("'cols' and 'rows' must be between 1 and 10000 (got " + c + "x" + r + ")");
        }
        return new PtySize(c, r);
    }

    static BadRequestException invalid(String message) {
        return new BadRequestException("invalid_field", message);
    }
}
