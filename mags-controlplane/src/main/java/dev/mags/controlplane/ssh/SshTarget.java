package dev.mags.controlplane.ssh;

import dev.mags.protocol.v2.Sandbox;
import java.util.Objects;

/**
 * A sandbox an SSH channel works in, held for as long as the channel lasts.
 *
 * @param name    how the sandbox is called in messages (the job or workspace name)
 * @param sandbox the running sandbox
 * @param release run once when the channel ends: lets go of what keeps the sandbox from sleeping while someone
 *                works in it
 */
public record SshTarget(String name, Sandbox sandbox, Runnable release) implements AutoCloseable {
    public SshTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(release, "release");
    }

    /** A target whose channel holds nothing. */
    public static SshTarget of(String name, Sandbox sandbox) {
        return new SshTarget(name, sandbox, () -> { });
    }

    @Override
    public void close() {
        release.run();
    }
}
