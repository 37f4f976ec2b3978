package dev.mags.agent.rootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Directories whose files live only as long as a sandbox (sandbox directories: bundle, FIFOs, logs, mount
 * points; the runtime's state), each on a tmpfs of its own. A sandbox creates and deletes a score of such
 * files; on a disk file system every one is an inode allocated and freed, and on ext4 without a journal
 * (as on the machines mags is measured on) each allocation first scans past the inodes deleted in the last
 * minutes, a cost that grew with the churn until it outweighed the sandbox's own start. Disk images stay
 * on the data dir's file system: a tmpfs would hold the sandboxes' data in memory.
 *
 * <p>{@link #ensure} mounts what is not mounted yet and takes over a tmpfs a crashed agent left (reconcile
 * then clears what is in it). A directory that already holds files without being a mount point is used
 * as it is, with a warning: mounting over it would hide leftovers from reconcile; so is one with another
 * file system mounted on it (an operator's choice). {@link #release} unmounts the tmpfs mounts this
 * object made or took over, each only when nothing is left in it.
 */
public final class TmpfsDirs {
    private static final Logger LOG = LoggerFactory.getLogger(TmpfsDirs.class);

    /**
     * A tmpfs's root: owned by root and group {@code gid}, with {@code mode} (the bits that decide who
     * passes), at most {@code size} (tmpfs's own notation, e.g. {@code 256m}).
     */
    public record Spec(int mode, long gid, String size) {
        String options() {
            return "mode=0" + Integer.toOctalString(mode) + ",uid=0,gid=" + gid + ",size=" + size;
        }
    }

    private final Mount mount;
    private final Map<Path, Spec> dirs;
    private final List<Path> managed = new ArrayList<>();

    public TmpfsDirs(Mount mount, Map<Path, Spec> dirs) {
        this.mount = mount;
        this.dirs = new LinkedHashMap<>(dirs);
    }

    /**
     * The agent's two: the sandboxes directory, which the sandboxes' root (host group {@code sandboxGid})
     * must pass through to reach each sandbox's own directory when the runtime sets its root file system
     * up, and which no one else may enter (0710); and the runtime's state when it is under the data dir,
     * root's alone (0700).
     */
    public static TmpfsDirs forAgent(Mount mount, Path sandboxesDir, long sandboxGid, Path runtimeRoot, Path dataDir) {
        Map<Path, Spec> dirs = new LinkedHashMap<>();
        dirs.put(sandboxesDir, new Spec(0710, sandboxGid, "256m"));
        if (runtimeRoot.startsWith(dataDir)) {
            dirs.put(runtimeRoot, new Spec(0700, 0, "64m"));
        }
        return new TmpfsDirs(mount, dirs);
    }

    /**
     * Makes each directory a tmpfs if it can, and gives it its owner and mode in any case; returns one line
     * per directory left on the disk file system.
     */
    public synchronized List<String> ensure() {
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<Path, Spec> e : dirs.entrySet()) {
            Path dir = e.getKey();
            try {
                Files.createDirectories(dir);
                Path real = dir.toRealPath();
                Optional<MountEntry> existing = mountedOn(real);
                if (existing.isPresent()) {
                    if (existing.get().fsType().equals("tmpfs")) {
                        managed.add(real); // a crashed agent's: reconcile empties it, release unmounts it
                    }
                } else if (!isEmpty(real)) {
                    warnings.add(dir + " holds files and is not a mount point: left as it is until they are gone");
                } else {
                    mount.tmpfs(real, e.getValue().options());
                    managed.add(real);
                }
            } catch (IOException | RuntimeException e2) {
                warnings.add("cannot mount a tmpfs on " + dir + ": " + e2.getMessage());
            }
            try {
                restrict(dir, e.getValue()); // also one an older agent mounted with other modes
            } catch (IOException | RuntimeException e2) {
                LOG.warn("cannot give {} the owner 0:{} and mode {}: {}", dir, e.getValue().gid(),
                        Integer.toOctalString(e.getValue().mode()), e2.getMessage());
            }
        }
        warnings.forEach(w -> LOG.warn("{}; sandboxes' files there go to the disk file system", w));
        return warnings;
    }

    /** Unmounts the tmpfs mounts {@link #ensure} made or took over that hold nothing any more; the others stay for the next start. */
    public synchronized void release() {
        for (Path dir : List.copyOf(managed)) {
            try {
                if (!isEmpty(dir) || mount.mountsUnder(dir).stream().anyMatch(m -> !m.mountPoint().equals(dir))) {
                    LOG.info("{} is not empty; its tmpfs stays mounted for reconcile at the next start", dir);
                    continue;
                }
                mount.umount(dir);
                managed.remove(dir);
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot unmount the tmpfs on {}: {}", dir, e.getMessage());
            }
        }
    }

    /** Gives {@code dir} the owner, group and mode of {@code spec}, saying so when they were others. */
    private static void restrict(Path dir, Spec spec) throws IOException {
        int mode = (int) Files.getAttribute(dir, "unix:mode") & 07777;
        int uid = (int) Files.getAttribute(dir, "unix:uid");
        int gid = (int) Files.getAttribute(dir, "unix:gid");
        if (mode == spec.mode() && uid == 0 && gid == spec.gid()) {
            return;
        }
        Files.setAttribute(dir, "unix:uid", 0);
        Files.setAttribute(dir, "unix:gid", (int) spec.gid());
        Files.setAttribute(dir, "unix:mode", spec.mode());
        LOG.info("{}: owner {}:{} mode {} -> 0:{} mode {}", dir, uid, gid, Integer.toOctalString(mode), spec.gid(),
                Integer.toOctalString(spec.mode()));
    }

    /** The topmost mount on {@code real}, if any. */
    private Optional<MountEntry> mountedOn(Path real) {
        return mount.table().stream().filter(m -> m.mountPoint().equals(real)).reduce((first, later) -> later);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.findAny().isEmpty();
        }
    }
}
