package dev.mags.agent.rootfs;

import dev.mags.agent.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Mounts and unmounts by running util-linux's {@code mount} and {@code umount}. */
public final class ProgramMountCalls implements MountCalls {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final CommandRunner runner;

    public ProgramMountCalls(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public void mount(String source, Path target, String type, String options) {
        runner.run(List.of("mount", "-t", type, "-o", options, source, target.toString()), TIMEOUT);
    }

    @Override
    public void mountLoop(Path file, Path target, String type, String options) {
        runner.run(List.of("mount", "-t", type, "-o", "loop," + options, file.toString(), target.toString()), TIMEOUT);
    }

    /** The {@code mount} program cannot use this process's descriptors: the options name the directories. */
    @Override
    public void mountOverlay(String source, List<Path> lowers, Path upper, Path work, Path target) {
        runner.run(Mount.overlayArgv(source, lowers, upper, work, target), TIMEOUT);
    }

    @Override
    public void umount(Path target, boolean lazy) {
        List<String> argv = new ArrayList<>(List.of("umount"));
        if (lazy) {
            argv.add("--lazy");
        }
        argv.add(target.toString());
        runner.run(argv, TIMEOUT);
    }
}
