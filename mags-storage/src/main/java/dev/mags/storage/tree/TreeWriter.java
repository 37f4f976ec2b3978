package dev.mags.storage.tree;

import dev.mags.storage.manifest.Entry;
import dev.mags.storage.manifest.EntryType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    public static Path resolve(Path root, Entry e) {
        return e.path().isEmpty() ? root : root.resolve(e.path());
    }

    /** Creates every entry except regular files and hard links; {@code root} exists. */
    public static void createSkeleton(Path root, List<Entry> entries) throws IOException {
        for (Entry e : entries) {
            Path p = resolve(root, e);
            switch (e.type()) {
                case DIR -> {
                    if (!e.path().isEmpty()) {
                        Files.createDirectory(p);
                    }
                }
                case SYMLINK -> Files.createSymbolicLink(p, Path.of(e.target()));
                case WHITEOUT -> NativeFs.mknod(p, NativeFs.S_IFCHR | e.mode(), 0, 0);
                case CHAR_DEVICE -> NativeFs.mknod(p, NativeFs.S_IFCHR | e.mode(), e.major(), e.minor());
                case BLOCK_DEVICE -> NativeFs.mknod(p, NativeFs.S_IFBLK | e.mode(), e.major(), e.minor());
                case FIFO -> NativeFs.mknod(p, NativeFs.S_IFIFO | e.mode(), 0, 0);
                case FILE, HARDLINK -> { }
            }
        }
    }

    public static void createHardLinks(Path root, List<Entry> entries) throws IOException {
        for (Entry e : entries) {
            if (e.type() == EntryType.HARDLINK) {
                Files.createLink(resolve(root, e), root.resolve(e.target()));
            }
        }
    }

    /** Owner, mode, xattrs and times of every entry; directories last and deepest first. */
    public static void applyMetadata(Path root, List<Entry> entries) throws IOException {
        for (Entry e : entries) {
            if (e.type() != EntryType.DIR && e.type() != EntryType.HARDLINK) {
                apply(root, e);
            }
        }
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).type() == EntryType.DIR) {
                apply(root, entries.get(i));
            }
        }
    }

    private static void apply(Path root, Entry e) throws IOException {
        Path p = resolve(root, e);
        NativeFs.lchown(p, e.uid(), e.gid());
        if (e.type() != EntryType.SYMLINK) {
            NativeFs.chmod(p, e.mode());
        }
        for (Map.Entry<String, String> x : e.xattrs().entrySet()) {
            NativeFs.setXattr(p, x.getKey(), Base64.getDecoder().decode(x.getValue()));
        }
        if (e.opaque()) {
            NativeFs.setXattr(p, XattrPolicy.OVERLAY_OPAQUE, "y".getBytes(StandardCharsets.US_ASCII));
        }
        NativeFs.setTimes(p, e.mtimeNs());
    }

    /** Deletes {@code dir} and everything in it without following symlinks; a missing dir is fine. */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a)
                    throws IOException {
                Files.deleteIfExists(f);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }
}
