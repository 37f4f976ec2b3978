package dev.mags.agent.bundle;

import dev.mags.agent.security.IdMapping;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What varies between sandboxes' config.json files.
 *
 * @param args the main process's argv
 * @param environment variables on top of the defaults, which they override
 * @param rootfs the sandbox's mounted root filesystem (an absolute path)
 * @param etcHostname the sandbox's own /etc/hostname, bind-mounted (likewise hosts and resolv.conf)
 * @param cgroupsPath the explicit cgroup path, {@code /<parent>/<sandboxId>}; without one, runc on
 *     cgroup v1 scatters the controllers
 * @param idMapping the host ids of the sandbox's user namespace
 */
public record BundleSpec(
        List<String> args,
        Map<String, String> environment,
        Path rootfs,
        String hostname,
        Path etcHostname,
        Path etcHosts,
        Path resolvConf,
        String cgroupsPath,
        long pidsLimit,
        IdMapping idMapping) {

    public BundleSpec {
        args = List.copyOf(args);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(rootfs, "rootfs");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(cgroupsPath, "cgroupsPath");
        Objects.requireNonNull(idMapping, "idMapping");
        if (args.isEmpty()) {
            throw new IllegalArgumentException("the command is empty");
        }
        for (String name : environment.keySet()) {
            // A '=' in the name would silently become part of the value; NUL cannot pass execve.
            if (name.isEmpty() || name.contains("=") || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable name '" + name + "' is not valid");
            }
            if (environment.get(name).indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable " + name + " contains a NUL character");
            }
        }
        for (String arg : args) {
            if (arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a command argument contains a NUL character");
            }
        }
    }
}
