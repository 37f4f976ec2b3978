package dev.mags.protocol.v2;

/** The output streams of a process in a sandbox (a process on a terminal has only STDOUT). */
public enum ExecStream {
    STDOUT, STDERR
}
