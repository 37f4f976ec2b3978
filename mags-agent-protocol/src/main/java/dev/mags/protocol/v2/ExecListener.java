package dev.mags.protocol.v2;

/**
 * Receives a process's output as the agent reads it, in order per stream. Called from the agent's reader
 * threads: implementations must be thread-safe, must not keep {@code data} past the call, and may block to
 * slow a process that writes faster than its output can be taken (its pipe then fills and it waits).
 */
@FunctionalInterface
public interface ExecListener {
    void output(ExecStream stream, byte[] data, int offset, int length);
}
