package dev.mags.agent.sandbox;

import dev.mags.agent.process.Fd;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A process started in a container, as the agent follows it: its output, the stream its reporting shell writes
 * its exit code to (then end of file; end of file alone when the shell was killed), its stdin, and the shell
 * itself, whose children the command is.
 *
 * @param stdout   what it prints (with a terminal: the terminal's master side, everything it prints)
 * @param stderr   what it prints to stderr; null with a terminal
 * @param code     "N\n" then end of file once the command has ended
 * @param stdin    where its stdin is written; null when it reads /dev/null (or a terminal)
 * @param terminal the terminal's master side, or null
 * @param reporter the reporting shell, null when it had ended before the agent could look
 * @param release  closes what the agent holds for it once it has ended and its output is read
 */
record StartedProcess(InputStream stdout, InputStream stderr, InputStream code, OutputStream stdin, Fd terminal,
                      ProcessHandle reporter, Runnable release) {}
