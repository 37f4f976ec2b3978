package dev.mags.storage.tree;

import dev.mags.storage.manifest.Entry;
import dev.mags.storage.manifest.EntryType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Materialises manifest entries under a fresh root, in three passes: the skeleton (directories, symlinks,
 * device nodes, fifos; regular files are written by the caller), hard links, then metadata — owner before
 * mode (chown clears setuid bits and capabilities), xattrs, and times last, directories deepest first so that
 * creating their children does not change their mtime again.
 */
public final class TreeWriter {
    private TreeWriter() {}

    /**
     * Refuses a manifest that could write outside the root: absolute paths, "." or ".." segments, duplicate
     * paths, or a parent that is not a DIR entry (a symlink parent would redirect the write).
     */
    public static void checkPaths(List<Entry> entries) throws IOException {
        Set<String> dirs = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (Entry e : entries) {
            String p = e.path();
            if (!seen.add(p)) {
                throw new IOException("manifest lists " + p + " twice");
            }
            if (p.isEmpty()) {
                if (e.type() != EntryType.DIR) {
                    throw new IOException("manifest root is a " + e.type().json() + ", not a dir");
                }
                dirs.add(p);
                continue;
            }
            for (String segment : p.split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw new IOException("manifest entry path '" + p + "' is not a plain relative path");
                }
            }
            int slash = p.lastIndexOf('/');
            String parent = slash < 0 ? "" : p.substring(0, slash);
            if (!dirs.contains(parent)) {
                throw new IOException("manifest entry " + p + " comes before or without its parent directory");
            }
            if (e.type() == EntryType.DIR) {
                dirs.add(p);
            }
            if (e.type() == EntryType.HARDLINK && !seen.contains(e.target())) {
                throw new IOException("hard link " + p + " points at " + e.target() + ", which is not an earlier entry");
            }
        }
    }

    /** Creates every entry except regular files and hard links; the root exists. */
    public static void createSkeleton(TreeRoot root, List<Entry> entries) throws IOException {
        try (DirCursor dirs = new DirCursor(root)) {
            for (Entry e : entries) {
                if (e.path().isEmpty()) {
                    continue;
                }
                TreeDir d = dirs.parentOf(e.path());
                String name = TreeRoot.nameOf(e.path());
                switch (e.type()) {
                    // 0700 until the metadata pass sets the snapshot's mode: nobody else enters a tree being built
                    case DIR -> d.mkdir(name, 0700);
                    case SYMLINK -> d.symlink(name, e.target());
                    case WHITEOUT -> d.mknod(name, NativeFs.S_IFCHR | (e.mode() & 0777), 0, 0);
                    case CHAR_DEVICE -> d.mknod(name, NativeFs.S_IFCHR | (e.mode() & 0777), e.major(), e.minor());
                    case BLOCK_DEVICE -> d.mknod(name, NativeFs.S_IFBLK | (e.mode() & 0777), e.major(), e.minor());
                    case FIFO -> d.mknod(name, NativeFs.S_IFIFO | (e.mode() & 0777), 0, 0);
                    case FILE, HARDLINK -> { }
                }
            }
        }
    }

    public static void createHardLinks(TreeRoot root, List<Entry> entries) throws IOException {
        try (DirCursor dirs = new DirCursor(root)) {
            for (Entry e : entries) {
                if (e.type() == EntryType.HARDLINK) {
                    try (TreeDir from = root.openDir(TreeRoot.parentOf(e.target()))) {
                        dirs.parentOf(e.path()).link(TreeRoot.nameOf(e.path()), from, TreeRoot.nameOf(e.target()));
                    }
                }
            }
        }
    }

    /** Owner, mode, xattrs and times of every entry; directories last and deepest first. */
    public static void applyMetadata(TreeRoot root, List<Entry> entries) throws IOException {
        try (DirCursor dirs = new DirCursor(root)) {
            for (Entry e : entries) {
                if (e.type() != EntryType.DIR && e.type() != EntryType.HARDLINK) {
                    apply(dirs, e);
                }
            }
            for (int i = entries.size() - 1; i >= 0; i--) {
                if (entries.get(i).type() == EntryType.DIR) {
                    apply(dirs, entries.get(i));
                }
            }
        }
    }

    /** Every change by the entry's directory descriptor and name, none following a symlink. */
    private static void apply(DirCursor dirs, Entry e) throws IOException {
        TreeDir d = e.path().isEmpty() ? dirs.root() : dirs.parentOf(e.path());
        String name = e.path().isEmpty() ? "." : TreeRoot.nameOf(e.path());
        d.chown(name, e.uid(), e.gid());
        if (e.type() != EntryType.SYMLINK) {
            d.chmod(name, e.mode());
        }
        for (Map.Entry<String, String> x : e.xattrs().entrySet()) {
            d.setXattr(name, x.getKey(), Base64.getDecoder().decode(x.getValue()));
        }
        if (e.opaque()) {
            d.setXattr(name, XattrPolicy.OVERLAY_OPAQUE, "y".getBytes(StandardCharsets.US_ASCII));
        }
        d.setTimes(name, e.mtimeNs());
    }

    /**
     * Deletes {@code dir} and everything in it; a missing dir is fine, a symlink is removed, not followed. It
     * walks with directory descriptors (unlinkat relative to each opened directory), so a directory swapped
     * for a symlink meanwhile costs at most that symlink, never a file outside, and it enters no other file
     * system (a mount point inside stays, and its removal fails).
     */
    public static void deleteRecursively(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        Path parentPath = abs.getParent();
        if (parentPath == null) {
            throw new IOException("refusing to delete the root directory");
        }
        TreeDir parent;
        try {
            parent = TreeDir.openHostDir(parentPath);
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        try (parent) {
            String name = abs.getFileName().toString();
            FileStat st;
            try {
                st = parent.stat(name);
            } catch (java.nio.file.NoSuchFileException e) {
                return;
            }
            removeTree(parent, name, st.dev());
        }
    }

    /** Removes the entry {@code name} of {@code dir} and all below it; false if it did not exist. */
    private static boolean removeTree(TreeDir dir, String name, long dev) throws IOException {
        TreeDir child;
        try {
            child = dir.openDir(name);
        } catch (TreeChangedException notADirectory) {
            return remove(dir, name, false);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        try (child) {
            if (child.stat().dev() != dev) {
                throw new IOException(dir.where(name) + " is a mount point: unmount it first; nothing under it was deleted");
            }
            for (String n : child.list()) {
                removeTree(child, n, dev);
            }
        }
        return remove(dir, name, true);
    }

    private static boolean remove(TreeDir dir, String name, boolean directory) throws IOException {
        try {
            dir.remove(name, directory);
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }
}
