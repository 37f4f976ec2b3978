package dev.mags.agent.process;

import java.io.IOException;
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

    /** The launcher that really starts processes. */
    static ProcessLauncher system() {
        return SystemProcessLauncher.INSTANCE;
    }
}
