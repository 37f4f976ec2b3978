package dev.mags.agent.workspace;

import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.WorkspaceInfo;
import dev.mags.protocol.v1.WorkspaceRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    private final Path workspacesDir;
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    public WorkspaceDisks(Path workspacesDir) {
        this.workspacesDir = workspacesDir;
    }

    public Path dir() {
        return workspacesDir;
    }

    public Path diskImage(WorkspaceRef ref) {
        return workspacesDir.resolve(ref.key()).resolve(DISK_FILE);
    }

    /**
     * Reserves the workspace for one sandbox; the returned handle gives it back (closing twice is harmless).
     *
     * @throws AgentException WORKSPACE_BUSY when a sandbox or a delete holds it
     */
    public Hold hold(WorkspaceRef ref) {
        if (!held.add(ref.key())) {
            throw new AgentException(AgentErrorCode.WORKSPACE_BUSY, "workspace " + ref.key()
                    + " is in use by another sandbox on this agent");
        }
        return new Hold(ref.key());
    }

    public boolean isHeld(String key) {
        return held.contains(key);
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
                if (Files.isRegularFile(disk)) {
                    out.add(new WorkspaceInfo(dir.getFileName().toString(), Files.size(disk)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + workspacesDir, e);
        }
        return out;
    }

    /** Deletes the workspace's directory; the caller holds it, so no sandbox has its disk mounted. */
    public void delete(WorkspaceRef ref) {
        try (Hold h = hold(ref)) {
            DirectoryTree.delete(workspacesDir.resolve(ref.key()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete workspace " + ref.key(), e);
        }
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
