package dev.mags.agent.sandbox;

import dev.mags.agent.runtime.Runc;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The job's command as a host process, known by the pid the runtime writes once it started it (or,
 * for a job handed to an {@link InitStandby}, by its reporting shell).
 * Watched directly because {@code runc exec} outlives it: the runtime copies the command's output
 * and returns only when every writer of it is gone, which a background process of the job may never
 * be until the container is killed.
 */
final class CommandProcess {
    private final Path pidFile;
    /** The pid is an {@link ExitMarker} shell's, whose child is the command. */
    private final boolean wrapped;
    /** Null until the pid file could be read; empty when the process had ended by then. */
    private volatile Optional<ProcessHandle> handle;

    CommandProcess(Path pidFile, boolean wrapped) {
        this.pidFile = pidFile;
        this.wrapped = wrapped;
    }

    /** The reporting shell of an {@link InitStandby}, known from the start; its children are the command. */
    static CommandProcess reportedBy(ProcessHandle reporter) {
        CommandProcess command = new CommandProcess(null, true);
        command.handle = Optional.of(reporter);
        return command;
    }

    /** Whether the command has ended; false as long as the runtime has not said which process it is. */
    boolean hasEnded() {
        Optional<ProcessHandle> known = resolve();
        return known != null && known.map(h -> !h.isAlive()).orElse(true);
    }

    /** Sends SIGTERM to the command, if it runs. */
    void terminate() {
        Optional<ProcessHandle> known = resolve();
        if (known != null) {
            known.ifPresent(h -> {
                if (wrapped) {
                    h.children().forEach(ProcessHandle::destroy); // the reporting shell stays to report the code
                } else {
                    h.destroy();
                }
            });
        }
    }

    private Optional<ProcessHandle> resolve() {
        Optional<ProcessHandle> known = handle;
        if (known == null) {
            Optional<Long> pid = Runc.execPid(pidFile);
            if (pid.isEmpty()) {
                return null;
            }
            // The handle keeps the process's start time, so it never stands for a later process with this pid.
            known = ProcessHandle.of(pid.get());
            handle = known;
        }
        return known;
    }
}
