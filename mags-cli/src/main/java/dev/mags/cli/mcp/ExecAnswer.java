package dev.mags.cli.mcp;

/**
 * How a command run in a live sandbox ended: the answer of {@code POST /api/v1/mags-jobs/{id}/exec}.
 *
 * @param exitCode  null when it did not exit by itself (timed out, the sandbox ended)
 * @param message   the server's note on how it ended; null when it completed
 * @param truncated the server left output out of the answer (it keeps a bounded amount)
 */
record ExecAnswer(Integer exitCode, String stdout, String stderr, String message, boolean truncated) {}
