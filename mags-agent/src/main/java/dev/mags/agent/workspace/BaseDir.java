package dev.mags.agent.workspace;

import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.agent.rootfs.NosuidBind;
import dev.mags.agent.rootfs.PrivateDirs;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of {@link BaseCache}'s copies on disk, {@code <dir>/<owner>/<name>/<snapshot>/}: root's alone
 * (0700) and a {@code nosuid,nodev} mount of its own ({@link NosuidBind}), since a copy holds a user's files as
 * their snapshot has them, setuid bits included, which only the sandboxes' overlays may honour. A copy is
 * removed by renaming it to {@code .removed-<uuid>} (a new restore of its snapshot may start at once) and
 * deleting that in the background.
 */
final class BaseDir implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BaseDir.class);
    /** Prefix of a copy renamed away for deletion; never a name of storage's alphabet. */
    private static final String REMOVED = ".removed-";
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

    private final Path dir;
    private final NosuidBind mount;
    private final ExecutorService remover = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("base-remover").daemon().factory());

    BaseDir(Path dir, NosuidBind mount) {
        this.dir = dir;
        this.mount = mount;
        try {
            PrivateDirs.ensure(dir);
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED, "cannot create " + dir + ": " + e.getMessage(), e);
        }
        mount.ensure(dir);
    }

    /** Where copy {@code name} is; its parents are made (0700) for a restore. */
    Path prepare(String name) {
        Path target = dir.resolve(name);
        try {
            PrivateDirs.ensure(target.getParent());
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED, "cannot create " + target.getParent() + ": "
                    + e.getMessage(), e);
        }
        return target;
    }

    /** Bytes of the files of a copy that is there already; -1 if they cannot be counted. */
    long sizeOf(Path copy) {
        try {
            return DirectoryTree.sizeBytes(copy);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Renames copy {@code name} away and deletes it in the background. */
    void remove(String name) {
        Path from = dir.resolve(name);
        Path trash = dir.resolve(REMOVED + UUID.randomUUID());
        try {
            if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            Files.move(from, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot remove the base copy {}: {}; the next start removes it", from, e.getMessage());
            return;
        }
        LOG.info("removed base {}: no sandbox or workspace uses it", name);
        remover.execute(() -> deleteQuietly(trash));
    }

    /**
     * Deletes every entry {@code <owner>/<name>/<entry>} that {@code keep} (given its name and path) does
     * not keep, and every removal a crash left; returns the names it deleted.
     */
    List<String> sweep(BiPredicate<String, Path> keep) {
        List<String> removed = new ArrayList<>();
        remover.execute(this::deleteRemovedLeftovers);
        try {
            for (Path owner : children(dir)) {
                if (owner.getFileName().toString().startsWith(REMOVED)) {
                    continue; // the remover's
                }
                for (Path ws : children(owner)) {
                    for (Path entry : children(ws)) {
                        String name = dir.relativize(entry).toString();
                        if (!keep.test(name, entry)) {
                            removed.add(name);
                            deleteQuietly(entry);
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list the base copies in {}: {}", dir, e.getMessage());
        }
        return removed;
    }

    /** Deletes the renamed-away copies (runs on the remover, after the deletions queued before it). */
    private void deleteRemovedLeftovers() {
        try {
            children(dir).stream().filter(p -> p.getFileName().toString().startsWith(REMOVED)).forEach(BaseDir::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", dir, e.getMessage());
        }
    }

    private static List<Path> children(Path p) throws IOException {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.toList();
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            DirectoryTree.delete(path);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}; the next start tries again", path, e.getMessage());
        }
    }

    /** Waits (bounded) for the deletions under way, then undoes the mount. */
    @Override
    public void close() {
        remover.shutdown();
        try {
            if (!remover.awaitTermination(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warn("base copies still being deleted after {}; the next start finishes", CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        mount.release();
    }
}
