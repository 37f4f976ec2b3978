package dev.mags.agent.process;

import java.util.List;

/** A command that ran to completion with exit code 0. */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr) {
    public CommandResult {
        argv = List.copyOf(argv);
    }
}
