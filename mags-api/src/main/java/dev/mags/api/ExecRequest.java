package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A command to run in a live sandbox: the body of {@code POST /mags-jobs/{id}/exec}, and the first (text) message
 * of the WebSocket on {@code GET /mags-jobs/{id}/exec}. Exactly one of {@code command} and {@code argv}.
 *
 * @param command     a shell command line, run as {@code sh -c command}
 * @param argv        the program and its arguments, run as they are
 * @param environment variables on top of the sandbox's own
 * @param cwd         working directory inside the sandbox (absolute); {@code /root} when null
 * @param timeout     seconds after which the command (and what it started) is killed; no limit when null
 * @param stdin       text written to the command's standard input, which is then closed; without it the
 *                    command reads end of file (the WebSocket sends more stdin on channel 0)
 * @param tty         WebSocket only: run on a terminal (stdout and stderr are then one stream)
 * @param cols        WebSocket only: the terminal's width (default 80)
 * @param rows        WebSocket only: the terminal's height (default 24)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecRequest(
        @JsonProperty("command") String command,
        @JsonProperty("argv") List<String> argv,
        @JsonProperty("environment") Map<String, String> environment,
        @JsonProperty("cwd") String cwd,
        @JsonProperty("timeout") Integer timeout,
        @JsonProperty("stdin") String stdin,
        @JsonProperty("tty") Boolean tty,
        @JsonProperty("cols") Integer cols,
        @JsonProperty("rows") Integer rows) {

    /** {@code sh -c command}, nothing else set. */
    public static ExecRequest command(String command) {
        return new ExecRequest(command, null, null, null, null, null, null, null, null);
    }

    public ExecRequest withTimeout(Integer seconds) {
        return new ExecRequest(command, argv, environment, cwd, seconds, stdin, tty, cols, rows);
    }

    public ExecRequest withStdin(String text) {
        return new ExecRequest(command, argv, environment, cwd, timeout, text, tty, cols, rows);
    }

    public ExecRequest withEnvironment(Map<String, String> variables) {
        return new ExecRequest(command, argv, variables, cwd, timeout, stdin, tty, cols, rows);
    }

    public ExecRequest withCwd(String directory) {
        return new ExecRequest(command, argv, environment, directory, timeout, stdin, tty, cols, rows);
    }

    /** A terminal of {@code cols} x {@code rows} (WebSocket only). */
    public ExecRequest withTty(int columns, int lines) {
        return new ExecRequest(command, argv, environment, cwd, timeout, stdin, true, columns, lines);
    }
}
