package dev.mags.agent.image;

import dev.mags.agent.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** The static busybox binary ({@code busybox-static}): one executable that is every basic tool. */
public final class Busybox {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final CommandRunner runner;
    private final Path binary;

    public Busybox(CommandRunner runner, Path binary) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.binary = Objects.requireNonNull(binary, "binary");
    }

    public Path binary() {
        return binary;
    }

    public List<String> listArgv() {
        return List.of(binary.toString(), "--list-full");
    }

    /** Where each applet belongs, relative to the root: {@code bin/sh}, {@code usr/bin/env}, ... */
    public List<String> appletPaths() {
        List<String> paths = runner.run(listArgv(), TIMEOUT).stdout().lines()
                .map(String::strip)
                .filter(p -> !p.isEmpty())
                .toList();
        for (String path : paths) {
            if (path.startsWith("/") || List.of(path.split("/")).contains("..")) {
                throw new IllegalStateException(binary + " --list-full printed an unsafe path: " + path);
            }
        }
        return paths;
    }
}
