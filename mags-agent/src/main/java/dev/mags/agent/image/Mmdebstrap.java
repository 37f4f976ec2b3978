package dev.mags.agent.image;

import dev.mags.agent.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/** {@code mmdebstrap}: builds a Debian root filesystem into a directory, as root, from a mirror. */
public final class Mmdebstrap {
    /** Downloading and unpacking a few hundred packages; generous because mirrors can be slow. */
    static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final CommandRunner runner;

    public Mmdebstrap(CommandRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /**
     * @param sources one-line apt sources ({@code deb URI SUITE COMPONENTS}); given explicitly so the
     *     host's own apt sources (third-party repositories, snapshots) never leak into an image
     */
    public static List<String> argv(String suite, Path target, List<String> packages, List<String> sources) {
        List<String> argv = new ArrayList<>(List.of(
                "mmdebstrap",
                "--variant=minbase",
                "--mode=root",
                "--format=directory",
                "--aptopt=Acquire::Retries \"3\""));
        if (!packages.isEmpty()) {
            argv.add("--include=" + String.join(",", packages));
        }
        argv.add(suite);
        argv.add(target.toString());
        argv.addAll(sources);
        return argv;
    }

    /** Runs mmdebstrap, handing each line it prints (its progress) to {@code progress}. */
    public void build(String suite, Path target, List<String> packages, List<String> sources,
            Consumer<String> progress) {
        runner.run(argv(suite, target, packages, sources), TIMEOUT, progress);
    }
}
