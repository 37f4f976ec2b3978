package dev.mags.agent.sandbox;

import java.nio.file.Path;

/**
 * Where one sandbox's files live: {@code <dataDir>/sandboxes/<id>/}. Named by the sandbox id so
 * that a restarted agent can tell whose leftovers it finds.
 *
 * @param upper the overlay's writable layer: everything the sandbox changes
 * @param work overlayfs's scratch directory, on the same file system as {@code upper}
 * @param rootfs where the overlay is mounted; the container's root
 * @param etc the sandbox's own hostname, hosts and resolv.conf, bind-mounted into it
 * @param runtimeLog the runtime's own JSON log
 */
public record SandboxPaths(Path dir, Path upper, Path work, Path rootfs, Path bundle, Path etc, Path runtimeLog) {

    public static SandboxPaths of(Path sandboxesDir, String sandboxId) {
        Path dir = sandboxesDir.resolve(sandboxId);
        return new SandboxPaths(dir, dir.resolve("upper"), dir.resolve("work"), dir.resolve("rootfs"),
                dir.resolve("bundle"), dir.resolve("etc"), dir.resolve("runtime.log"));
    }

    public Path etcHostname() {
        return etc.resolve("hostname");
    }

    public Path etcHosts() {
        return etc.resolve("hosts");
    }

    public Path resolvConf() {
        return etc.resolve("resolv.conf");
    }
}
