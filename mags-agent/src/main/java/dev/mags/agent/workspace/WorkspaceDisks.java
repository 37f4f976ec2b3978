package dev.mags.agent.workspace;

import dev.mags.agent.disk.Resize2fs;
import dev.mags.agent.disk.SandboxDisk;
import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.agent.rootfs.PrivateDirs;
import dev.mags.protocol.v2.SyncProgress;
import dev.mags.protocol.v2.SyncResult;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.WorkspaceInfo;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.WorkspaceKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The workspaces of an agent: {@code <workspacesDir>/<key>/disk.img}, a sparse ext4 file holding the
 * overlay's upper and work directories, mounted by one sandbox at a time and kept when it ends.
 * Holding a workspace ({@link #hold}) is what keeps two sandboxes, or a sandbox and a delete, apart.
 */
public final class WorkspaceDisks {
    public static final String DISK_FILE = "disk.img";
    /** In a forked workspace's directory: the name of the base copy its disk was made on (see {@link BaseCache}). */
    static final String BASE_PIN = "base";

    private static final String UPPER = "upper";
    /** What a workspace key looks like; anything else in the directory is not a workspace. */
    private static final String KEY = "[A-Za-z0-9][A-Za-z0-9_.-]{0,127}";
    private static final String WORK = "work";

    private final Path workspacesDir;
    /**
     * Where a disk is mounted aside for a restore or a sync at rest ({@code <scratchDir>/ws*-<key>/disk}, the
     * directory root's alone: the sandboxes' root passes through the scratch dir): under the sandboxes dir,
     * so reconcile reaps what a crash leaves.
     */
    private final Path scratchDir;
    private final SandboxDisk disk;
    private final Resize2fs resize2fs;
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    /** Creates {@code workspacesDir} with mode 0700 (tightens it if it exists): the disks hold users' files. */
    public WorkspaceDisks(Path workspacesDir, Path scratchDir, SandboxDisk disk, Resize2fs resize2fs) {
        this.workspacesDir = workspacesDir;
        this.scratchDir = scratchDir;
        this.disk = disk;
        this.resize2fs = resize2fs;
        try {
            PrivateDirs.ensure(workspacesDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + workspacesDir, e);
        }
    }

    public boolean exists(WorkspaceKey key) {
        return Files.isRegularFile(diskImage(key));
    }

    /**
     * Creates the workspace's disk ({@code sizeBytes}) from the latest snapshot of {@code stored}.
     * The disk is filled under another name and renamed when complete, so a failure leaves no disk.
     * The caller holds the workspace.
     *
     * @return false, creating nothing, when the workspace has no snapshot
     */
    public boolean restore(WorkspaceKey key, StoredWorkspace stored, long sizeBytes, WorkspaceBackup backup) {
        Path dir = workspacesDir.resolve(key.value());
        Path fresh = dir.resolve(DISK_FILE + ".new");
        Path aside = scratchDir.resolve("wsrestore-" + key.value());
        Path mnt = aside.resolve("disk");
        boolean restored = false;
        try {
            PrivateDirs.ensure(dir);
            Files.deleteIfExists(fresh);
            disk.format(fresh, sizeBytes);
            PrivateDirs.ensure(mnt);
            disk.mount(fresh, mnt);
            try {
                restored = backup.restoreLatest(stored, mnt.resolve(UPPER));
                if (restored) {
                    Files.createDirectory(mnt.resolve(WORK));
                }
            } finally {
                disk.release(fresh, mnt);
                Files.deleteIfExists(mnt);
                Files.deleteIfExists(aside);
            }
            if (restored) {
                Files.move(fresh, diskImage(key), StandardCopyOption.ATOMIC_MOVE);
            }
            return restored;
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED, "cannot restore workspace " + stored.name()
                    + " onto a new disk: " + e.getMessage(), e);
        } finally {
            if (!restored) {
                deleteQuietly(fresh);
            }
        }
    }

    /** Syncs the disk of a workspace no sandbox uses: mounted aside for the time of the sync. */
    public SyncResult syncAtRest(WorkspaceKey key, StoredWorkspace stored, WorkspaceBackup backup,
            Consumer<SyncProgress> progress) {
        Path aside = scratchDir.resolve("wssync-" + key.value());
        Path mnt = aside.resolve("disk");
        try (Hold h = hold(key)) {
            if (!exists(key)) {
                throw new AgentException(AgentErrorCode.NOT_FOUND, "workspace " + stored.name()
                        + " has no data on this host to sync");
            }
            PrivateDirs.ensure(mnt);
            disk.mount(diskImage(key), mnt);
            try {
                return backup.sync(stored, mnt.resolve(UPPER), progress);
            } finally {
                disk.release(diskImage(key), mnt);
                Files.deleteIfExists(mnt);
                Files.deleteIfExists(aside);
            }
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED, "cannot mount the disk of workspace "
                    + stored.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Grows the workspace's disk to {@code sizeBytes}; no sandbox may hold it.
     *
     * @throws AgentException INVALID_SPEC when that is smaller than the disk, NOT_FOUND without a disk
     */
    public void resize(WorkspaceKey key, long sizeBytes) {
        try (Hold h = hold(key)) {
            Path image = diskImage(key);
            if (!Files.isRegularFile(image)) {
                throw new AgentException(AgentErrorCode.NOT_FOUND, "workspace " + key.value() + " has no disk on this host");
            }
            long now = Files.size(image);
            if (sizeBytes < now) {
                throw new AgentException(AgentErrorCode.INVALID_SPEC, "a workspace disk can grow but not shrink: it has "
                        + now + " bytes, asked for " + sizeBytes);
            }
            if (sizeBytes > now) {
                resize2fs.grow(image, sizeBytes);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof AgentException ae) {
                throw ae;
            }
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED, "cannot resize the disk of workspace " + key.value()
                    + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover disk.img.new is removed by the next restore
        }
    }

    public Path dir() {
        return workspacesDir;
    }

    public Path diskImage(WorkspaceKey key) {
        return workspacesDir.resolve(key.value()).resolve(DISK_FILE);
    }

    /** {@link #diskImage} for a sandbox about to be built on it: its directory is created (0700) if missing. */
    public Path diskFor(WorkspaceKey key) {
        try {
            PrivateDirs.ensure(workspacesDir.resolve(key.value()));
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED, "cannot create the directory of workspace " + key.value()
                    + ": " + e.getMessage(), e);
        }
        return diskImage(key);
    }

    /**
     * Reserves the workspace for one sandbox; the returned handle gives it back (closing twice is harmless).
     *
     * @throws AgentException WORKSPACE_BUSY when a sandbox or a delete holds it
     */
    public Hold hold(WorkspaceKey key) {
        if (!held.add(key.value())) {
            throw new AgentException(AgentErrorCode.WORKSPACE_BUSY, "workspace " + key.value()
                    + " is in use by another sandbox on this agent");
        }
        return new Hold(key.value());
    }

    public boolean isHeld(WorkspaceKey key) {
        return held.contains(key.value());
    }

    /** Workspaces on the disk, with the size of their disks. */
    public List<WorkspaceInfo> list() {
        List<WorkspaceInfo> out = new ArrayList<>();
        if (!Files.isDirectory(workspacesDir)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(workspacesDir)) {
            for (Path dir : dirs.sorted().toList()) {
                Path disk = dir.resolve(DISK_FILE);
                String name = dir.getFileName().toString();
                if (Files.isRegularFile(disk) && name.matches(KEY)) {
                    out.add(new WorkspaceInfo(WorkspaceKey.of(name), Files.size(disk)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + workspacesDir, e);
        }
        return out;
    }

    /** Deletes the workspace's disk image (for a restore onto a new one); the caller holds the workspace. */
    public void discardDisk(WorkspaceKey key) {
        try {
            Files.deleteIfExists(diskImage(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the disk of workspace " + key.value(), e);
        }
    }

    /** Deletes the workspace's directory; the caller holds it, so no sandbox has its disk mounted. */
    public void delete(WorkspaceKey key) {
        try (Hold h = hold(key)) {
            DirectoryTree.delete(workspacesDir.resolve(key.value()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete workspace " + key.value(), e);
        }
    }

    /**
     * Records that the workspace's disk was made on the base copy {@code baseName} (a fork): the copy is kept
     * as long as the disk is, for the fork's next sandbox.
     */
    void pinBase(WorkspaceKey key, String baseName) {
        Path dir = workspacesDir.resolve(key.value());
        Path pin = dir.resolve(BASE_PIN);
        try {
            if (Files.isRegularFile(pin) && Files.readString(pin).strip().equals(baseName)) {
                return;
            }
            PrivateDirs.ensure(dir);
            Path tmp = dir.resolve(BASE_PIN + ".new");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PrivateDirs.FILE);
            Files.writeString(tmp, baseName + "\n");
            Files.move(tmp, pin, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED, "cannot record the base of workspace " + key.value()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The base copies that workspace disks on this host were made on; a pin beside no disk (a failed first build) counts not. */
    Set<String> pinnedBases() {
        Set<String> pins = new HashSet<>();
        if (!Files.isDirectory(workspacesDir)) {
            return pins;
        }
        try (Stream<Path> dirs = Files.list(workspacesDir)) {
            for (Path dir : dirs.toList()) {
                Path pin = dir.resolve(BASE_PIN);
                if (Files.isRegularFile(pin) && Files.isRegularFile(dir.resolve(DISK_FILE))) {
                    pins.add(Files.readString(pin).strip());
                }
            }
        } catch (IOException e) {
            // the caller keeps every copy then: better than deleting one a fork needs
            throw new UncheckedIOException("cannot read the base pins in " + workspacesDir, e);
        }
        return pins;
    }

    /** A workspace reserved for one sandbox. */
    public final class Hold implements AutoCloseable {
        private final String key;

        private Hold(String key) {
            this.key = key;
        }

        @Override
        public void close() {
            held.remove(key);
        }
    }
}
