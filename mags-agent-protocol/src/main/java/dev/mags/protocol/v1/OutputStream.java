package dev.mags.protocol.v1;

/** The two output streams of a sandbox's main process. */
public enum OutputStream {
    STDOUT, STDERR
}
