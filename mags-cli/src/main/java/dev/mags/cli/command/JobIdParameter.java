package dev.mags.cli.command;

import picocli.CommandLine.Parameters;

/** The {@code ID} argument of the commands that act on one job. */
public final class JobIdParameter {
    @Parameters(index = "0", paramLabel = "ID|NAME",
            description = "The job's request id, its name or its workspace's name (the newest live one; see 'mags list').")
    String id;

    public String id() {
        return id;
    }
}
