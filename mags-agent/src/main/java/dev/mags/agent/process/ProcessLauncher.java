package dev.mags.agent.process;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts operating-system processes. The one seam between the agent and {@link ProcessBuilder}, so
 * that the classes wrapping external programs can be tested without running them.
 */
@FunctionalInterface
public interface ProcessLauncher {

    /**
     * Starts {@code argv} with stdin from {@code /dev/null} and stdout and stderr as pipes the
     * caller must drain. Nothing the agent runs may read the agent's own stdin.
     */
    Process start(List<String> argv) throws IOException;

    /**
     * Starts {@code argv} with stdin from {@code /dev/null} and stdout and stderr appended to
     * {@code output}. For commands that leave a process behind which inherits their output (such as
     * {@code runc run --detach}, whose container keeps it): a pipe would not reach EOF until that process
     * ends. Launchers that do not start real processes may ignore {@code output}.
     */
    default Process startWritingTo(List<String> argv, Path output) throws IOException {
        return start(argv);
    }

    /**
     * Starts {@code argv} with stdin, stdout and stderr as pipes: the caller writes the process's
     * input and must drain its output. Launchers that do not start real processes may return a process
     * whose stdin discards what is written.
     */
    default Process startWithInput(List<String> argv) throws IOException {
        return start(argv);
    }

    /**
     * Starts {@code argv} with {@code childFds} as its descriptors 0, 1, 2, ... and nothing else open: for a
     * process whose descriptors are to outlive it in a process it starts ({@code runc exec --detach} hands its
     * own to the command it starts, and exits).
     */
    default Spawned spawn(List<String> argv, List<Fd> childFds) throws IOException {
        return Spawner.spawn(argv, childFds);
    }

    /** The launcher that really starts processes. */
    static ProcessLauncher system() {
        return SystemProcessLauncher.INSTANCE;
    }
}
