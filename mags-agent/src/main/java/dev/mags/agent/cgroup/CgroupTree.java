package dev.mags.agent.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The sandboxes' cgroup directories, {@code <hierarchy>/<parent>/<sandboxId>}. The runtime creates
 * and normally removes them, but after a crash or a failed start they stay behind, and on cgroup
 * v1 there is one per hierarchy: here {@code cpu} and {@code cpuacct} are separate, and
 * {@code name=systemd} and the hybrid {@code unified} tree get one too. So we look in every
 * hierarchy rather than in a fixed list of controllers.
 */
public final class CgroupTree {
    /** rmdir of a cgroup is retried this often while the last killed tasks are leaving (EBUSY). */
    private static final int RMDIR_ATTEMPTS = 100;
    private static final long RMDIR_PAUSE_MS = 5;

    private final Path root;

    /** @param root normally {@code /sys/fs/cgroup}; a plain directory in tests */
    public CgroupTree(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** The mounted hierarchies: the root itself on pure cgroup v2, otherwise each directory in it. */
    public List<Path> hierarchies() {
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            return List.of(root);
        }
        // Skip symlinks: some distributions add cpu -> cpu,cpuacct, which would list one tree twice.
        return subdirectories(root);
    }

    /**
     * Whether the memory controller can limit memory plus swap: {@code memory.memsw.limit_in_bytes} on
     * cgroup v1 exists only with swap accounting, {@code memory.swap.max} likewise on v2.
     */
    public boolean hasSwapAccounting() {
        return Files.exists(root.resolve("memory/memory.memsw.limit_in_bytes"))
                || Files.exists(root.resolve("cgroup.controllers")) && swapFileBelow(root);
    }

    private static boolean swapFileBelow(Path v2root) {
        // The root cgroup has no memory.swap.max; any child that has the memory controller does.
        return subdirectories(v2root).stream().anyMatch(d -> Files.exists(d.resolve("memory.swap.max")));
    }

    /** Every existing cgroup directory of sandbox {@code id}. */
    public List<Path> dirsOf(String parent, String id) {
        return hierarchies().stream()
                .map(h -> h.resolve(parent).resolve(id))
                .filter(d -> Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS))
                .toList();
    }

    /**
     * The contents of the control file {@code file} (e.g. {@code memory.oom_control}) of sandbox
     * {@code id}, from whichever hierarchy has it; empty if none does (controller not mounted, or the
     * cgroup is gone).
     */
    public Optional<String> read(String parent, String id, String file) {
        // Where the file normally is: its controller's hierarchy (v1), or the one tree (v2). Looking there first
        // spares a listing of every hierarchy on each read (an exec reads its sandbox's counters).
        int dot = file.indexOf('.');
        List<Path> likely = dot <= 0 ? List.of()
                : List.of(root.resolve(file.substring(0, dot)).resolve(parent).resolve(id), root.resolve(parent).resolve(id));
        for (Path dir : likely) {
            try {
                return Optional.of(Files.readString(dir.resolve(file)));
            } catch (NoSuchFileException e) {
                // not this layout
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + dir.resolve(file), e);
            }
        }
        for (Path dir : dirsOf(parent, id)) {
            Path path = dir.resolve(file);
            try {
                return Optional.of(Files.readString(path));
            } catch (NoSuchFileException e) {
                // another hierarchy's directory
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        }
        return Optional.empty();
    }

    /**
     * Writes {@code value} to the control file {@code file} (e.g. {@code freezer.state}) of sandbox {@code id},
     * in whichever hierarchy has it.
     *
     * @throws UncheckedIOException when no hierarchy has it or the kernel refuses the value
     */
    public void write(String parent, String id, String file, String value) {
        for (Path dir : dirsOf(parent, id)) {
            Path path = dir.resolve(file);
            if (Files.exists(path)) {
                try {
                    Files.writeString(path, value);
                    return;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write '" + value + "' to " + path, e);
                }
            }
        }
        throw new UncheckedIOException(new NoSuchFileException(file, null, "no cgroup of sandbox " + id + " has it"));
    }

    /** The pids of every process in sandbox {@code id} (from a hierarchy that has it), in no order. */
    public List<Long> processes(String parent, String id) {
        return read(parent, id, "cgroup.procs").map(text -> text.lines().filter(l -> !l.isBlank())
                .map(l -> Long.parseLong(l.strip())).toList()).orElse(List.of());
    }

    /** All sandbox cgroup directories under {@code parent}, by sandbox id. */
    public Map<String, List<Path>> sandboxDirs(String parent) {
        Map<String, List<Path>> byId = new TreeMap<>();
        for (Path hierarchy : hierarchies()) {
            for (Path dir : subdirectories(hierarchy.resolve(parent))) {
                byId.computeIfAbsent(dir.getFileName().toString(), k -> new ArrayList<>()).add(dir);
            }
        }
        return byId;
    }

    /**
     * Removes every cgroup directory of {@code id}. A cgroup directory is removed with rmdir (its
     * files are not real files) and only once it has no child cgroups and no processes.
     *
     * @throws UncheckedIOException naming the first directory that could not go, the others suppressed
     */
    public void remove(String parent, String id) {
        UncheckedIOException failure = null;
        for (Path dir : dirsOf(parent, id)) {
            try {
                removeTree(dir);
            } catch (IOException e) {
                UncheckedIOException wrapped = new UncheckedIOException("cannot remove cgroup " + dir, e);
                if (failure == null) {
                    failure = wrapped;
                } else {
                    failure.addSuppressed(wrapped);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void removeTree(Path dir) throws IOException {
        for (Path child : subdirectories(dir)) {
            removeTree(child);
        }
        // The kernel refuses (EBUSY) while the last killed tasks are still leaving; that takes moments.
        for (int attempt = 1; ; attempt++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (FileSystemException e) {
                if (attempt >= RMDIR_ATTEMPTS || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    throw e;
                }
                try {
                    Thread.sleep(RMDIR_PAUSE_MS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static List<Path> subdirectories(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of(); // removed by the runtime while we looked
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
