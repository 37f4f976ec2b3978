package dev.mags.agent.sandbox;

import dev.mags.agent.bundle.BundleSpec;
import java.util.List;

/**
 * The container's init (PID 1): busybox's shell from the host, so it works whatever the image holds.
 * It waits forever and reaps the zombies of processes orphaned inside the container (its wait
 * collects every child, adopted ones too). It ignores SIGTERM, SIGINT and SIGHUP, and as PID 1 of its
 * namespace it cannot be killed from inside at all, so a job that signals PID 1 cannot end its own
 * sandbox early; the agent ends it with SIGKILL from the host, which ends every process in it.
 */
final class SandboxInit {
    static final String SCRIPT = "trap '' TERM INT HUP; while :; do " + BundleSpec.INIT_BINARY
            + " sleep 2147483647 & wait; done";

    private SandboxInit() {}

    static List<String> argv() {
        return List.of(BundleSpec.INIT_BINARY, "sh", "-c", SCRIPT);
    }
}
