package dev.mags.protocol.v1;

/**
 * How a sandbox ended.
 *
 * @param exitCode the main process's exit code (128+signal when killed), or null if unknown
 * @param reason why it ended
 * @param detail a human-readable explanation, never null (empty when nothing to add)
 */
public record SandboxExit(Integer exitCode, ExitReason reason, String detail) {
    public SandboxExit {
        detail = detail == null ? "" : detail;
    }

    public static SandboxExit exited(int code) {
        return new SandboxExit(code, ExitReason.EXITED, "");
    }
}
