package dev.mags.storage.testing;

import dev.mags.storage.tree.FileStat;
import dev.mags.storage.tree.NativeFs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A line per entry of a tree with everything a restore must reproduce: type, mode, owner, mtime (ns),
 * content SHA-256, symlink target, device numbers, xattrs, and which names share an inode. Two trees are
 * equal "byte for byte and attribute for attribute" iff their digests are equal.
 */
public final class TreeDigest {
    private TreeDigest() {}

    public static Map<String, String> of(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        Map<Long, String> firstByInode = new HashMap<>();
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = new ArrayList<>(s.sorted().toList());
        }
        for (Path p : all) {
            String rel = root.relativize(p).toString();
            FileStat st = FileStat.of(p);
            StringBuilder b = new StringBuilder();
            b.append("type=").append(Integer.toOctalString(st.type()))
                    .append(" mode=").append(Integer.toOctalString(st.permissions()))
                    .append(" uid=").append(st.uid()).append(" gid=").append(st.gid());
            if (st.type() != NativeFs.S_IFDIR || !rel.isEmpty()) {
                b.append(" mtime=").append(st.mtimeNs());
            }
            switch (st.type()) {
                case NativeFs.S_IFREG -> {
                    b.append(" size=").append(st.size()).append(" sha256=").append(sha256(p));
                    if (st.nlink() > 1) {
                        b.append(" inode-of=").append(firstByInode.computeIfAbsent(st.ino(), i -> rel));
                    }
                }
                case NativeFs.S_IFLNK -> b.append(" target=").append(Files.readSymbolicLink(p));
                case NativeFs.S_IFCHR, NativeFs.S_IFBLK ->
                        b.append(" dev=").append(NativeFs.major(st.rdev())).append(':').append(NativeFs.minor(st.rdev()));
                default -> { }
            }
            Map<String, String> x = new TreeMap<>();
            NativeFs.xattrs(p).forEach((k, v) -> {
                if (k.startsWith("user.") || k.equals("trusted.overlay.opaque") || k.equals("security.capability")) {
                    x.put(k, HexFormat.of().formatHex(v));
                }
            });
            if (!x.isEmpty()) {
                b.append(" xattrs=").append(x);
            }
            out.put(rel.isEmpty() ? "." : rel, b.toString());
        }
        return out;
    }

    /** Content hashes only: what "equal to the previous content" means in the crash tests. */
    public static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), sha256(p));
            }
        }
        return out;
    }

    static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
