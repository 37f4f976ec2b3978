package dev.mags.sdk;

/** Receives a streamed exec's output as text, in order per stream. */
@FunctionalInterface
public interface ExecOutput {
    /**
     * @param stream {@code stdout} or {@code stderr}
     * @param data   the text read since the last call for that stream (a character is never split)
     */
    void output(String stream, String data);
}
