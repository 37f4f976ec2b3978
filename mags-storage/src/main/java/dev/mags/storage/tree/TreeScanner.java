package dev.mags.storage.tree;

import dev.mags.storage.manifest.Entry;
import dev.mags.storage.manifest.EntryType;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
 * Walks a directory tree (an overlay upper dir) without following symlinks or entering other file systems,
 * and describes every object as a manifest entry. Reads metadata only, never file contents. Entries come
 * out sorted by path, so parents precede children and the first name of a hard-linked inode is its FILE.
 */
public final class TreeScanner {
    private static final Logger LOG = LoggerFactory.getLogger(TreeScanner.class);

    private TreeScanner() {}

    public static List<ScannedEntry> scan(Path root) throws IOException {
        FileStat rootStat = FileStat.of(root);
        if (rootStat.type() != NativeFs.S_IFDIR) {
            throw new IOException(root + " is not a directory");
        }
        List<ScannedEntry> out = new ArrayList<>();
        out.add(describe(root, "", rootStat));
        walk(root, root, rootStat.dev(), out);
        out.sort(Comparator.comparing(e -> e.entry().path()));
        return linkHardLinks(out);
    }

    private static void walk(Path root, Path dir, long dev, List<ScannedEntry> out) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(children::add);
        } catch (NoSuchFileException e) {
            return; // removed while we walked
        }
        for (Path child : children) {
            FileStat st;
            try {
                st = FileStat.of(child);
            } catch (NoSuchFileException e) {
                continue;
            }
            String rel = root.relativize(child).toString();
            if (st.type() == NativeFs.S_IFSOCK) {
                LOG.debug("skipping socket {}", child);
                continue;
            }
            if (st.type() == NativeFs.S_IFDIR && st.dev() != dev) {
                LOG.warn("skipping {}: another file system is mounted there", child);
                continue;
            }
            try {
                out.add(describe(child, rel, st));
            } catch (NoSuchFileException e) {
                continue; // removed between stat and readlink/listxattr
            }
            if (st.type() == NativeFs.S_IFDIR) {
                walk(root, child, dev, out);
            }
        }
    }

    private static ScannedEntry describe(Path file, String rel, FileStat st) throws IOException {
        EntryType type;
        String target = null;
        int major = 0;
        int minor = 0;
        switch (st.type()) {
            case NativeFs.S_IFREG -> type = EntryType.FILE;
            case NativeFs.S_IFDIR -> type = EntryType.DIR;
            case NativeFs.S_IFLNK -> {
                type = EntryType.SYMLINK;
                target = Files.readSymbolicLink(file).toString();
            }
            case NativeFs.S_IFIFO -> type = EntryType.FIFO;
            case NativeFs.S_IFCHR, NativeFs.S_IFBLK -> {
                major = NativeFs.major(st.rdev());
                minor = NativeFs.minor(st.rdev());
                boolean whiteout = st.type() == NativeFs.S_IFCHR && major == 0 && minor == 0;
                type = whiteout ? EntryType.WHITEOUT : st.type() == NativeFs.S_IFCHR ? EntryType.CHAR_DEVICE : EntryType.BLOCK_DEVICE;
            }
            default -> throw new IOException("unknown file type " + Integer.toOctalString(st.type()) + " of " + file);
        }
        boolean opaque = false;
        Map<String, String> kept = new TreeMap<>();
        for (Map.Entry<String, byte[]> x : NativeFs.xattrs(file).entrySet()) {
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
        return new ScannedEntry(e, file, st);
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
                    s = new ScannedEntry(e, s.file(), s.stat());
                }
            }
            out.add(s);
        }
        return out;
    }
}
