package dev.mags.controlplane.exec;

import dev.mags.api.ExecEnd;
import dev.mags.api.ExecResult;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExitReason;
import java.util.Locale;

/** How an exec's end is told to API clients; the words follow those of jobs. */
public final class ExecOutcome {
    private ExecOutcome() {}

    public static ExecEnd of(ExecExit exit, String sandbox) {
        String reason = exit.reason().name().toLowerCase(Locale.ROOT);
        if (exit.reason() == ExitReason.EXITED) {
            Integer code = exit.exitCode();
            if (code != null && code == 0) {
                return new ExecEnd(0, ExecResult.COMPLETED, reason, null);
            }
            return new ExecEnd(code, ExecResult.ERROR, reason, "command exited with code " + code);
        }
        String message = switch (exit.reason()) {
            case TIMED_OUT -> "timed out" + detail(exit);
            case SANDBOX_ENDED -> "sandbox '" + sandbox + "' ended while the command ran" + detail(exit);
            case STOPPED -> "stopped" + detail(exit);
            case AGENT_SHUTDOWN -> "magsd shut down while the command ran";
            case AGENT_LOST -> "the sandbox's host stopped answering while the command ran" + detail(exit);
            case OUT_OF_MEMORY, DISK_FULL, PIDS_LIMIT -> exit.detail().isEmpty() ? reason : exit.detail();
            default -> "the command failed: " + (exit.detail().isEmpty() ? reason : exit.detail());
        };
        Integer code = exit.reason() == ExitReason.TIMED_OUT || exit.reason() == ExitReason.SANDBOX_ENDED
                ? null : exit.exitCode();
        return new ExecEnd(code, ExecResult.ERROR, reason, message);
    }

    /** An exec that never started: {@code code} is the API error's code. */
    public static ExecEnd refused(String code, String message) {
        return new ExecEnd(null, ExecResult.ERROR, code, message);
    }

    /** An exec whose end could not be learnt (the agent failed). */
    public static ExecEnd failed(Throwable t) {
        return new ExecEnd(null, ExecResult.ERROR, "failed", "the command's end could not be learnt: "
                + t.getMessage());
    }

    private static String detail(ExecExit exit) {
        return exit.detail().isEmpty() ? "" : " (" + exit.detail() + ")";
    }
}
