package dev.mags.protocol.v2;

/** A terminal's size in characters. */
public record PtySize(int cols, int rows) {
    public PtySize {
        if (cols < 1 || rows < 1 || cols > 10_000 || rows > 10_000) {
            throw new IllegalArgumentException("terminal size " + cols + "x" + rows + " is out of range");
        }
    }
}
