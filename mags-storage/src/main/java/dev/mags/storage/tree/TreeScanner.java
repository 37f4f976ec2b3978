package dev.mags.storage.tree;

import dev.mags.storage.manifest.Entry;
import dev.mags.storage.manifest.EntryType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a tree (an overlay upper dir) and describes every object as a manifest entry. It walks with
 * directory descriptors: each subdirectory is opened relative to its parent's descriptor with
 * O_NOFOLLOW|O_DIRECTORY, and every entry is stat'ed, its symlink read and its xattrs listed relative to the
 * descriptor of the directory it was listed in, so a sandbox renaming things meanwhile (a directory swapped
 * for a symlink to a host directory) can hide an entry from the scan but never lead it out of the tree. It
 * enters no other file system, and reads metadata only, never file contents. Entries come out sorted by
 * path, so parents precede children and the first name of a hard-linked inode is its FILE.
 */
public final class TreeScanner {
    private static final Logger LOG = LoggerFactory.getLogger(TreeScanner.class);
    /** Longest relative path kept: what the kernel resolves in one call (PATH_MAX less the NUL). */
    static final int MAX_PATH_BYTES = 4095;

    private TreeScanner() {}

    public static List<ScannedEntry> scan(TreeRoot root) throws IOException {
        List<ScannedEntry> out = new ArrayList<>();
        try (TreeDir top = root.openDir("")) {
            FileStat rootStat = top.stat();
            out.add(describe(top, null, "", rootStat));
            walk(top, "", root.dev(), out);
        }
        out.sort(Comparator.comparing(e -> e.entry().path()));
        return linkHardLinks(out);
    }

    private static void walk(TreeDir dir, String prefix, long dev, List<ScannedEntry> out) throws IOException {
        List<String> names;
        try {
            names = dir.list();
        } catch (NoSuchFileException e) {
            return; // removed while we walked
        }
        for (String name : names) {
            String rel = prefix.isEmpty() ? name : prefix + "/" + name;
            if (rel.length() > MAX_PATH_BYTES / 3 && rel.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
                LOG.warn("leaving {} out: its path inside the tree is longer than {} bytes", dir.where(name), MAX_PATH_BYTES);
                continue;
            }
            FileStat st;
            try {
                st = dir.stat(name);
            } catch (NoSuchFileException e) {
                continue;
            }
            if (st.type() == NativeFs.S_IFSOCK) {
                LOG.debug("skipping socket {}", dir.where(name));
                continue;
            }
            if (st.type() == NativeFs.S_IFDIR) {
                walkInto(dir, name, rel, st, dev, out);
                continue;
            }
            try {
                out.add(describe(dir, name, rel, st));
            } catch (NoSuchFileException e) {
                continue; // removed (or replaced) between stat and readlink/listxattr
            }
        }
    }

    /** A subdirectory: described by what its own descriptor shows, and walked through that descriptor. */
    private static void walkInto(TreeDir parent, String name, String rel, FileStat listed, long dev, List<ScannedEntry> out)
            throws IOException {
        if (listed.dev() != dev) {
            LOG.warn("skipping {}: another file system is mounted there", parent.where(name));
            return;
        }
        TreeDir child;
        try {
            child = parent.openDir(name);
        } catch (NoSuchFileException e) {
            return; // removed, or replaced by a symlink or a file, since it was listed
        }
        try (child) {
            FileStat st = child.stat();
            if (st.dev() != dev) {
                LOG.warn("skipping {}: another file system is mounted there", parent.where(name));
                return;
            }
            out.add(describe(child, null, rel, st));
            walk(child, rel, dev, out);
        }
    }

    /** {@code dir} holds the entry {@code name}; a null name: {@code dir} is the entry (a directory). */
    private static ScannedEntry describe(TreeDir dir, String name, String rel, FileStat st) throws IOException {
        EntryType type;
        String target = null;
        int major = 0;
        int minor = 0;
        switch (st.type()) {
            case NativeFs.S_IFREG -> type = EntryType.FILE;
            case NativeFs.S_IFDIR -> type = EntryType.DIR;
            case NativeFs.S_IFLNK -> {
                type = EntryType.SYMLINK;
                target = dir.readlink(name);
            }
            case NativeFs.S_IFIFO -> type = EntryType.FIFO;
            case NativeFs.S_IFCHR, NativeFs.S_IFBLK -> {
                major = NativeFs.major(st.rdev());
                minor = NativeFs.minor(st.rdev());
                boolean whiteout = st.type() == NativeFs.S_IFCHR && major == 0 && minor == 0;
                type = whiteout ? EntryType.WHITEOUT : st.type() == NativeFs.S_IFCHR ? EntryType.CHAR_DEVICE : EntryType.BLOCK_DEVICE;
            }
            default -> throw new IOException("unknown file type " + Integer.toOctalString(st.type()) + " of "
                    + (name == null ? dir.where() : dir.where(name)));
        }
        boolean opaque = false;
        Map<String, String> kept = new TreeMap<>();
        Map<String, byte[]> xattrs = name == null ? dir.xattrs() : dir.xattrs(name);
        for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
            if (type == EntryType.DIR && x.getKey().equals(XattrPolicy.OVERLAY_OPAQUE) && x.getValue().length == 1
                    && x.getValue()[0] == 'y') {
                opaque = true;
            } else if (XattrPolicy.keep(x.getKey())) {
                kept.put(x.getKey(), Base64.getEncoder().encodeToString(x.getValue()));
            }
        }
        long size = type == EntryType.FILE ? st.size() : 0;
        Entry e = new Entry(rel, type, st.permissions(), st.uid(), st.gid(), st.mtimeNs(), size, target, major, minor,
                opaque, kept, List.of());
        return new ScannedEntry(e, st);
    }

    /** Later names of a multiply linked regular file become HARDLINK entries pointing at the first. */
    private static List<ScannedEntry> linkHardLinks(List<ScannedEntry> sorted) {
        Map<Long, String> firstByInode = new HashMap<>();
        List<ScannedEntry> out = new ArrayList<>(sorted.size());
        for (ScannedEntry s : sorted) {
            Entry e = s.entry();
            if (e.type() == EntryType.FILE && s.stat().nlink() > 1) {
                String first = firstByInode.putIfAbsent(s.stat().ino(), e.path());
                if (first != null) {
                    e = new Entry(e.path(), EntryType.HARDLINK, e.mode(), e.uid(), e.gid(), e.mtimeNs(), e.size(), first,
                            0, 0, false, e.xattrs(), List.of());
                    s = new ScannedEntry(e, s.stat());
                }
            }
            out.add(s);
        }
        return out;
    }
}
