package dev.mags.controlplane.exec;

import java.time.Duration;

/**
 * Bounds of the exec routes.
 *
 * @param answerBytes     output kept for the one-object JSON answer (stdout and stderr together); past it output is
 *                        read and dropped, and the answer says it was truncated. The streamed forms keep nothing.
 * @param perUser         execs one user may run at once (all sandboxes together); one more is a 429
 * @param maxTimeout      the longest {@code timeout} an exec may ask for
 * @param firstMessage    how long a WebSocket may take to send its first message (the command)
 * @param maxFrameBytes   the largest WebSocket message taken from a client
 * @param hangUpGrace     time between SIGHUP and SIGKILL for the exec of a client that went away
 */
public record ExecLimits(int answerBytes, int perUser, Duration maxTimeout, Duration firstMessage,
                         int maxFrameBytes, Duration hangUpGrace) {
    public static final int DEFAULT_ANSWER_BYTES = 1024 * 1024;
    public static final int DEFAULT_PER_USER = 64;

    public ExecLimits {
        if (answerBytes < 1 || perUser < 1 || maxFrameBytes < 1024) {
            throw new IllegalArgumentException("exec limits must be positive (frames at least 1 KiB)");
        }
    }

    public static ExecLimits defaults(Duration maxTimeout) {
        return new ExecLimits(DEFAULT_ANSWER_BYTES, DEFAULT_PER_USER, maxTimeout, Duration.ofSeconds(30),
                1024 * 1024 + 4096, Duration.ofSeconds(5));
    }

    public ExecLimits withAnswerBytes(int bytes) {
        return new ExecLimits(bytes, perUser, maxTimeout, firstMessage, maxFrameBytes, hangUpGrace);
    }

    public ExecLimits withPerUser(int execs) {
        return new ExecLimits(answerBytes, execs, maxTimeout, firstMessage, maxFrameBytes, hangUpGrace);
    }
}
