package dev.mags.protocol.v2;

/**
 * How a process in a sandbox ended.
 *
 * @param exitCode its exit code (128+signal when killed), or null if unknown
 * @param reason   why it ended
 * @param detail   a human-readable explanation, never null (empty when nothing to add)
 */
public record ExecExit(Integer exitCode, ExitReason reason, String detail) {
    public ExecExit {
        detail = detail == null ? "" : detail;
    }

    public static ExecExit exited(int code) {
        return new ExecExit(code, ExitReason.EXITED, "");
    }
}
