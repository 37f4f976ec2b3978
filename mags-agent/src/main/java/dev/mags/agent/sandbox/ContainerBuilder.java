package dev.mags.agent.sandbox;

import dev.mags.agent.bundle.BundleSpec;
import dev.mags.agent.bundle.ConfigJson;
import dev.mags.agent.bundle.OciSpecFactory;
import dev.mags.agent.cgroup.CgroupTree;
import dev.mags.agent.disk.SandboxDisk;
import dev.mags.agent.network.AttachedNetwork;
import dev.mags.agent.network.NetnsDialer;
import dev.mags.agent.network.NetworkException;
import dev.mags.agent.network.SandboxNetwork;
import dev.mags.agent.security.ReadyUserNamespaces;
import dev.mags.agent.security.SandboxUserNamespaces;
import dev.mags.agent.security.UserNamespaceHolder;
import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.rootfs.Mount;
import dev.mags.agent.runtime.Runc;
import dev.mags.agent.runtime.RuntimeLog;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Builds a container up to the point where processes can be executed in it: directory, disk
 * (sparse ext4 file, loop-mounted), a tmpfs of its own with its /etc files and the standby shell's FIFOs,
 * overlay root (these in {@link SandboxRootfs}), its user namespace (below one of its own holding its inotify
 * limits), config.json,
 * {@code runc run --detach} of the init (its output on an {@link InitOutput}), the network, and the
 * connection to the init's {@link InitStandby}. Nothing of it that the sandbox can
 * see names a host path or the sandbox id. Each acquired resource goes on a
 * cleanup stack; if a step fails the stack unwinds and nothing is left on the host. On success the
 * stack goes to the {@link Container}.
 */
public final class ContainerBuilder implements AutoCloseable {
    /**
     * Bounds the wait for the init's standby shell to open its FIFOs: a few ms normally, seconds when many
     * sandboxes start at once on a small host.
     */
    private static final java.time.Duration STANDBY_WAIT = java.time.Duration.ofSeconds(60);
    private final SandboxSettings settings;
    private final Runc runc;
    private final CgroupTree cgroups;
    private final SandboxNetwork network;
    private final ReadyUserNamespaces userNamespaces;
    private final SandboxRootfs rootfs;
    private final NetnsDialer dialer = new NetnsDialer();

    public ContainerBuilder(SandboxSettings settings, Runc runc, Mount mount, SandboxDisk disk, CgroupTree cgroups,
            SandboxNetwork network, ReadyUserNamespaces userNamespaces) {
        this.settings = settings;
        this.runc = runc;
        this.cgroups = cgroups;
        this.network = network;
        this.userNamespaces = userNamespaces;
        this.rootfs = new SandboxRootfs(settings, mount, disk);
    }

    public SandboxSettings settings() {
        return settings;
    }

    /**
     * Builds and starts container {@code spec.id()}.
     *
     * @throws AgentException INVALID_SPEC (the id has a leftover directory), ROOTFS_FAILED (disk,
     *     mounts, files) or RUNTIME_FAILED (create, start); nothing is left behind then
     */
    public Container build(ContainerSpec spec) {
        String id = spec.id();
        SandboxPaths paths = SandboxPaths.of(settings.sandboxesDir(), settings.disksDir(), id);
        BundleSpec bundle = bundleSpec(spec, paths);
        CleanupStack cleanup = new CleanupStack();
        // Made ahead (or while the disk and the root file system are prepared); the container joins it when it starts.
        try (InitOutput initOutput = initOutput(id); SandboxUserNamespaces.Pending userns = userNamespaces.take()) {
            rootfs.prepare(spec, paths, cleanup);
            createContainer(spec, paths, bundle, cleanup, initOutput, userns);
            Container container = new Container(spec, paths, cleanup, runc, cgroups, settings.cgroupParent(),
                    ports(id, cleanup));
            container.prime(connectStandby(id, paths, initOutput));
            return container;
        } catch (AgentException e) {
            throw unwind(cleanup, e);
        } catch (RuntimeException e) {
            throw unwind(cleanup, new AgentException(AgentErrorCode.RUNTIME_FAILED,
                    "creating sandbox " + id + " failed unexpectedly: " + e, e));
        }
    }

    /**
     * Makes ahead what the next build needs and can have beforehand, its user namespace, so that busybox
     * does not run beside that build. Call it when the host is quiet: a sandbox has just been released.
     */
    public void prepareAhead() {
        userNamespaces.refill();
    }

    /** Ends what was made ahead for builds to come. */
    @Override
    public void close() {
        userNamespaces.close();
        dialer.close();
    }

    private static InitOutput initOutput(String id) {
        try {
            return InitOutput.create();
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "cannot create the init's output file of sandbox "
                    + id + ": " + e.getMessage(), e);
        }
    }

    static AgentException unwind(CleanupStack cleanup, AgentException failure) {
        try {
            cleanup.close();
        } catch (CleanupStack.CleanupException cleanupFailure) {
            failure.addSuppressed(cleanupFailure);
        }
        return failure;
    }

    private BundleSpec bundleSpec(ContainerSpec spec, SandboxPaths paths) {
        SandboxLimits limits = spec.shape().limits();
        try {
            return new BundleSpec(SandboxInit.argv(), Map.of(), paths.rootfs(), settings.hostname(),
                    paths.etcHostname(), paths.etcHosts(), paths.resolvConf(), settings.cgroupsPath(spec.id()),
                    new BundleSpec.Resources(limits.memoryBytes(), limits.cpuMillis(), limits.pids(),
                            settings.openFiles(), settings.swapAccounting()),
                    settings.initBinary(), settings.idMapping(), paths.io(), null);
        } catch (IllegalArgumentException e) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, "sandbox " + spec.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates and starts the container, then gives it its network if it has one. Its
     * init meanwhile only starts the standby shell, which waits for a job: nothing in the sandbox uses the
     * network before the build is done.
     */
    private void createContainer(ContainerSpec spec, SandboxPaths paths, BundleSpec bundle,
            CleanupStack cleanup, InitOutput initOutput, SandboxUserNamespaces.Pending userns) {
        String id = spec.id();
        UserNamespaceHolder held = userNamespace(id, userns);
        try {
            ConfigJson.write(paths.bundle(), OciSpecFactory.create(bundle.withUserNamespace(held.path())));
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED, "cannot write the bundle of sandbox " + id + ": " + e.getMessage(), e);
        }
        cleanup.push("remove the cgroups of " + id, () -> cgroups.remove(settings.cgroupParent(), id));
        cleanup.push("delete container " + id, () -> deleteContainer(id));
        try {
            runc.run(paths.bundle(), id, paths.runtimeLog(), initOutput.path());
            if (!held.isJoinedBy(initPid(id))) {
                throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "sandbox " + id + " is not in the user namespace"
                        + " made for it (" + held.path() + ", whose holder ended before the runtime joined it)");
            }
            userns.close(); // joined: the container keeps both namespaces alive
            if (spec.shape().network() == NetworkMode.OUTBOUND) {
                attachNetwork(id, paths, cleanup);
            }
        } catch (CommandFailedException e) {
            List<String> errors = RuntimeLog.errors(paths.runtimeLog());
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "the OCI runtime could not start sandbox " + id + ": "
                    + (errors.isEmpty() ? e.getMessage() : String.join("; ", errors)), e);
        }
    }

    private UserNamespaceHolder userNamespace(String id, SandboxUserNamespaces.Pending userns) {
        try {
            return userns.await();
        } catch (CommandFailedException e) {
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "cannot make the user namespace of sandbox " + id
                    + " (" + userNamespaces.limits() + "): " + e.getMessage(), e);
        }
    }

    /**
     * Attaches user-mode NAT to the network namespace runc made for the container, before any job runs in
     * it: the namespace belongs to the container's user namespace, so it can only be reached through the
     * init's pid.
     */
    private void attachNetwork(String id, SandboxPaths paths, CleanupStack cleanup) {
        long pid = initPid(id);
        try {
            AttachedNetwork net = network.attach(id, pid, paths.dir().resolve("net"));
            cleanup.push("close the network of " + id, net::close);
        } catch (NetworkException e) {
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "cannot give sandbox " + id + " its network: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The ports of the sandbox, reached from inside its network namespace through a pidfd of its init, taken now
     * while the init is certainly the container's.
     */
    private InitPorts ports(String id, CleanupStack cleanup) {
        try {
            int pidfd = NetnsDialer.pidfd(initPid(id));
            cleanup.push("close the pidfd of the init of " + id, () -> NetnsDialer.closePidfd(pidfd));
            return new InitPorts(dialer, pidfd);
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "cannot open a pidfd of the init of sandbox " + id
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Connects to the standby shell the init started; the container's release closes the connection.
     *
     * @throws AgentException RUNTIME_FAILED when the shell does not open its FIFOs in time
     */
    private InitStandby connectStandby(String id, SandboxPaths paths, InitOutput initOutput) {
        long pid = initPid(id);
        try {
            return InitStandby.connect(paths.io(), pid, STANDBY_WAIT);
        } catch (IOException e) {
            String said = initOutput.tail();
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "the init of sandbox " + id
                    + " did not start its standby shell: " + e.getMessage() + (said.isEmpty() ? "" : "; it said: " + said), e);
        }
    }

    private long initPid(String id) {
        return runc.initPid(id).orElseThrow(() -> new AgentException(AgentErrorCode.RUNTIME_FAILED, "the runtime lost"
                + " sandbox " + id + " after starting it"));
    }

    /** Kills what still runs, then removes the runtime's state of the container (and its cgroups). */
    private void deleteContainer(String id) {
        if (!runc.hasState(id)) {
            return;
        }
        try {
            if (runc.killInit(id, Container.KILL_WAIT)) {
                // A dead init leaves only the runtime's state files (no hooks are configured) and the
                // cgroups, which the next cleanup step removes: no runtime process needed.
                runc.removeStaleState(id);
                return;
            }
        } catch (IOException e) {
            // cannot remove the files ourselves: let the runtime try
        } catch (CommandFailedException e) {
            // half-created, say: force it
        }
        runc.deleteForce(id);
    }
}
