package dev.mags.controlplane.exec;

import dev.mags.protocol.v2.Sandbox;
import java.util.Objects;

/**
 * A sandbox an exec runs in, held for as long as the exec lasts.
 *
 * @param name    how the sandbox is called in messages (the job or workspace name)
 * @param sandbox the running sandbox
 * @param release run once when the exec has ended and its answer is written: lets go of what keeps the sandbox
 *                from sleeping while a command runs in it
 */
public record ExecTarget(String name, Sandbox sandbox, Runnable release) implements AutoCloseable {
    public ExecTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(release, "release");
    }

    /** A target whose exec holds nothing. */
    public static ExecTarget of(String name, Sandbox sandbox) {
        return new ExecTarget(name, sandbox, () -> { });
    }

    @Override
    public void close() {
        release.run();
    }
}
