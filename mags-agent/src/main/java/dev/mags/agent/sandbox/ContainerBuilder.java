package dev.mags.agent.sandbox;

import dev.mags.agent.bundle.BundleSpec;
import dev.mags.agent.bundle.ConfigJson;
import dev.mags.agent.bundle.OciSpecFactory;
import dev.mags.agent.cgroup.CgroupTree;
import dev.mags.agent.disk.SandboxDisk;
import dev.mags.agent.network.AttachedNetwork;
import dev.mags.agent.network.NetworkException;
import dev.mags.agent.network.SandboxNetwork;
import dev.mags.agent.security.MappedRoot;
import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.agent.rootfs.Mount;
import dev.mags.agent.runtime.Runc;
import dev.mags.agent.runtime.RuntimeLog;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds a container up to the point where processes can be executed in it: directory, disk
 * (sparse ext4 file, loop-mounted), a tmpfs of its own with its /etc files and the standby shell's FIFOs,
 * overlay root, config.json, {@code runc run --detach} of the init (its output on an {@link InitOutput}),
 * the network, and the connection to the init's {@link InitStandby}. Nothing of it that the sandbox can
 * see names a host path or the sandbox id. Each acquired resource goes on a
 * cleanup stack; if a step fails the stack unwinds and nothing is left on the host. On success the
 * stack goes to the {@link Container}.
 */
public final class ContainerBuilder {
    /**
     * Bounds the wait for the init's standby shell to open its FIFOs: a few ms normally, seconds when many
     * sandboxes start at once on a small host.
     */
    private static final java.time.Duration STANDBY_WAIT = java.time.Duration.ofSeconds(60);
    /** What the overlay is mounted as; the sandbox sees it as the source of its root. */
    static final String OVERLAY_SOURCE = "mags";
    /**
     * The tmpfs of {@link SandboxPaths#binds()}: its files are a few hundred bytes (root inside may edit
     * /etc/hosts, bounded by the size here instead of filling the tmpfs all sandboxes' directories share)
     * and the three FIFOs; root's only until the builder gives it to the sandbox's root.
     */
    static final String BINDS_TMPFS = "mode=0700,size=256k,nr_inodes=32";
    private final SandboxSettings settings;
    private final Runc runc;
    private final Mount mount;
    private final SandboxDisk disk;
    private final CgroupTree cgroups;
    private final SandboxNetwork network;

    public ContainerBuilder(SandboxSettings settings, Runc runc, Mount mount, SandboxDisk disk, CgroupTree cgroups,
            SandboxNetwork network) {
        this.settings = settings;
        this.runc = runc;
        this.mount = mount;
        this.disk = disk;
        this.cgroups = cgroups;
        this.network = network;
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
        try (InitOutput initOutput = initOutput(id)) {
            createDirectory(id, paths, cleanup);
            prepareRootfs(spec, paths, cleanup);
            AttachedNetwork net = createContainer(spec, paths, bundle, cleanup, initOutput);
            Container container = new Container(spec, paths, cleanup, runc, cgroups, settings.cgroupParent(), net);
            container.prime(connectStandby(id, paths, initOutput));
            return container;
        } catch (AgentException e) {
            throw unwind(cleanup, e);
        } catch (RuntimeException e) {
            throw unwind(cleanup, new AgentException(AgentErrorCode.RUNTIME_FAILED,
                    "creating sandbox " + id + " failed unexpectedly: " + e, e));
        }
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
                    settings.initBinary(), settings.idMapping(), paths.io());
        } catch (IllegalArgumentException e) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, "sandbox " + spec.id() + ": " + e.getMessage(), e);
        }
    }

    private void createDirectory(String id, SandboxPaths paths, CleanupStack cleanup) {
        try {
            Files.createDirectories(settings.sandboxesDir());
            Files.createDirectory(paths.dir());
        } catch (FileAlreadyExistsException e) {
            // Not ours to delete: a leftover of an earlier run that reconcile has not removed yet.
            throw new AgentException(AgentErrorCode.INVALID_SPEC,
                    "sandbox " + id + " already has a directory " + paths.dir() + "; reconcile removes leftovers", e);
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED, "cannot create " + paths.dir() + ": " + e.getMessage(), e);
        }
        cleanup.push("delete " + paths.dir(), () -> DirectoryTree.delete(paths.dir()));
    }

    private void prepareRootfs(ContainerSpec spec, SandboxPaths paths, CleanupStack cleanup) {
        try {
            Path image = prepareDisk(spec, paths);
            if (image.equals(paths.diskImage())) {
                cleanup.push("delete the disk " + image, () -> Files.deleteIfExists(image));
            }
            Files.createDirectory(paths.disk());
            cleanup.push("release the disk " + image, () -> disk.release(image, paths.disk()));
            disk.mount(image, paths.disk());
            for (Path dir : List.of(paths.upper(), paths.work())) {
                if (!Files.isDirectory(dir)) { // a workspace disk has them from its earlier sandboxes
                    Files.createDirectory(dir);
                }
            }
            for (Path dir : List.of(paths.rootfs(), paths.bundle(), paths.binds())) {
                Files.createDirectory(dir);
            }
            mount.tmpfs(paths.binds(), BINDS_TMPFS);
            cleanup.push("unmount " + paths.binds(), () -> unmountIfMounted(paths.binds()));
            SandboxEtc.write(paths, settings.hostname(), spec.shape().network() == NetworkMode.OUTBOUND
                    ? SandboxNetwork.resolvConf() : SandboxEtc.NO_NETWORK_RESOLV_CONF);
            MappedRoot.giveToRoot(settings.idMapping(), paths.binds());
            MappedRoot.prepare(settings.idMapping(), paths.dir(), paths.upper(), spec.imageRootfs(), paths.etc());
            for (Path fifo : InitStandby.createFifos(paths.io())) {
                MappedRoot.giveToRoot(settings.idMapping(), fifo);
            }
            MappedRoot.giveToRoot(settings.idMapping(), paths.io());
            List<Path> lowers = spec.baseLayer() == null ? List.of(spec.imageRootfs())
                    : List.of(spec.baseLayer(), spec.imageRootfs());
            // The source shows in the sandbox's own mount table: a constant, not the sandbox id.
            mount.overlay(OVERLAY_SOURCE, lowers, paths.upper(), paths.work(), paths.rootfs());
            cleanup.push("unmount " + paths.rootfs(), () -> unmountIfMounted(paths.rootfs()));
        } catch (IOException | UncheckedIOException | CommandFailedException | IllegalArgumentException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED,
                    "cannot prepare the root file system of sandbox " + spec.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The disk file to mount: the sandbox's own, new (deleted when the sandbox is released), or its workspace's,
     * formatted on first use and never again. A workspace disk whose formatting failed is removed.
     */
    private Path prepareDisk(ContainerSpec spec, SandboxPaths paths) throws IOException {
        long size = spec.shape().limits().diskBytes();
        Path workspace = spec.workspaceDisk();
        if (workspace == null) {
            Files.createDirectories(paths.diskImage().getParent());
            disk.createFresh(paths.diskImage(), size);
            return paths.diskImage();
        }
        if (!Files.exists(workspace)) {
            Files.createDirectories(workspace.getParent());
            Path fresh = workspace.resolveSibling(workspace.getFileName() + ".new");
            Files.deleteIfExists(fresh);
            try {
                disk.format(fresh, size);
                Files.move(fresh, workspace, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(fresh);
                throw e;
            }
        }
        return workspace;
    }

    /**
     * Creates and starts the container, then gives it its network if it has one; returns the network. Its
     * init meanwhile only starts the standby shell, which waits for a job: nothing in the sandbox uses the
     * network before the build is done.
     */
    private AttachedNetwork createContainer(ContainerSpec spec, SandboxPaths paths, BundleSpec bundle,
            CleanupStack cleanup, InitOutput initOutput) {
        String id = spec.id();
        try {
            ConfigJson.write(paths.bundle(), OciSpecFactory.create(bundle));
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED, "cannot write the bundle of sandbox " + id + ": " + e.getMessage(), e);
        }
        cleanup.push("remove the cgroups of " + id, () -> cgroups.remove(settings.cgroupParent(), id));
        cleanup.push("delete container " + id, () -> deleteContainer(id));
        try {
            runc.run(paths.bundle(), id, paths.runtimeLog(), initOutput.path());
            return spec.shape().network() == NetworkMode.OUTBOUND ? attachNetwork(id, paths, cleanup) : null;
        } catch (CommandFailedException e) {
            List<String> errors = RuntimeLog.errors(paths.runtimeLog());
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "the OCI runtime could not start sandbox " + id + ": "
                    + (errors.isEmpty() ? e.getMessage() : String.join("; ", errors)), e);
        }
    }

    /**
     * Attaches user-mode NAT to the network namespace runc made for the container, before any job runs in
     * it: the namespace belongs to the container's user namespace, so it can only be reached through the
     * init's pid.
     */
    private AttachedNetwork attachNetwork(String id, SandboxPaths paths, CleanupStack cleanup) {
        long pid = runc.initPid(id)
                .orElseThrow(() -> new AgentException(AgentErrorCode.RUNTIME_FAILED, "the runtime lost sandbox " + id
                        + " after starting it"));
        try {
            AttachedNetwork net = network.attach(id, pid, paths.dir().resolve("net"));
            cleanup.push("close the network of " + id, net::close);
            return net;
        } catch (NetworkException e) {
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "cannot give sandbox " + id + " its network: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Connects to the standby shell the init started; the container's release closes the connection.
     *
     * @throws AgentException RUNTIME_FAILED when the shell does not open its FIFOs in time
     */
    private InitStandby connectStandby(String id, SandboxPaths paths, InitOutput initOutput) {
        long pid = runc.initPid(id).orElseThrow(() -> new AgentException(AgentErrorCode.RUNTIME_FAILED,
                "the runtime lost sandbox " + id + " after starting it"));
        try {
            return InitStandby.connect(paths.io(), pid, STANDBY_WAIT);
        } catch (IOException e) {
            String said = initOutput.tail();
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "the init of sandbox " + id
                    + " did not start its standby shell: " + e.getMessage() + (said.isEmpty() ? "" : "; it said: " + said), e);
        }
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

    private void unmountIfMounted(Path target) {
        if (mount.mountsUnder(target).isEmpty()) {
            return;
        }
        mount.unmount(target);
    }
}
