package dev.mags.agent.sandbox;

import dev.mags.agent.disk.SandboxDisk;
import dev.mags.agent.network.SandboxNetwork;
import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.agent.rootfs.Mount;
import dev.mags.agent.security.MappedRoot;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.NetworkMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A sandbox's directory and root file system, the first part of {@link ContainerBuilder#build}: its disk
 * (sparse ext4 file, loop-mounted), a tmpfs of its own with its /etc files and the standby shell's FIFOs,
 * and the overlay root. Each step pushes its undoing on the build's cleanup stack.
 */
final class SandboxRootfs {
    /** What the overlay is mounted as; the sandbox sees it as the source of its root. */
    static final String OVERLAY_SOURCE = "mags";
    /**
     * The tmpfs of {@link SandboxPaths#binds()}: its files are a few hundred bytes (root inside may edit
     * /etc/hosts, bounded by the size here instead of filling the tmpfs all sandboxes' directories share),
     * the standby shell's FIFOs and a slot (a directory and its FIFOs) per exec under way through the exec
     * server: 256 inodes hold about 40 execs at once (at 32, five filled it and the rest were started by the
     * runtime, 24-50 ms each, with the exec server started again). Root's only until the builder gives it to the
     * sandbox's root.
     */
    static final String BINDS_TMPFS = "mode=0700,size=256k,nr_inodes=256";
    private final SandboxSettings settings;
    private final Mount mount;
    private final SandboxDisk disk;

    SandboxRootfs(SandboxSettings settings, Mount mount, SandboxDisk disk) {
        this.settings = settings;
        this.mount = mount;
        this.disk = disk;
    }

    /**
     * @throws AgentException INVALID_SPEC (the id has a leftover directory) or ROOTFS_FAILED (disk, mounts,
     *     files); what was done is on {@code cleanup}
     */
    void prepare(ContainerSpec spec, SandboxPaths paths, CleanupStack cleanup) {
        createDirectory(spec.id(), paths, cleanup);
        prepareRootfs(spec, paths, cleanup);
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

    private void unmountIfMounted(Path target) {
        if (mount.mountsUnder(target).isEmpty()) {
            return;
        }
        mount.unmount(target);
    }
}
