package dev.mags.cli.command;

import picocli.CommandLine.Option;

/** {@code --json}: print the server's answer as JSON instead of human-readable text. */
public final class JsonOption {
    @Option(names = "--json", description = "Print the answer as JSON.")
    boolean enabled;

    public boolean enabled() {
        return enabled;
    }
}
