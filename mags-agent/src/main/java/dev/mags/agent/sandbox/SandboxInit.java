package dev.mags.agent.sandbox;

import dev.mags.agent.bundle.BundleSpec;
import java.util.List;

/**
 * The container's init (PID 1): busybox's shell from the host, so it works whatever the image holds.
 * It first runs the {@link InitStandby} (which becomes the sandbox's first command) in the foreground; then, and
 * meanwhile too (a shell waiting for a foreground command collects any child), it waits forever and reaps the zombies of processes orphaned inside the container (its wait
 * collects every child, adopted ones too). It ignores SIGTERM, SIGINT and SIGHUP, and as PID 1 of its
 * namespace it cannot be killed from inside at all, so a process that signals PID 1 cannot end its
 * sandbox; the agent ends it with SIGKILL from the host, which ends every process in it.
 */
final class SandboxInit {
    static final String SCRIPT = "trap '' TERM INT HUP; while :; do " + BundleSpec.INIT_BINARY
            + " sleep 2147483647 & wait; done";

    private SandboxInit() {}

    /** First the {@link InitStandby}'s reporting shell in the foreground, then {@link #SCRIPT}. */
    static List<String> argv() {
        return InitStandby.initArgv();
    }
}
