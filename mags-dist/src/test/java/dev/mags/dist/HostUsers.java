package dev.mags.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Other accounts of the host, as an attacker with a local login would use them. */
final class HostUsers {
    /** The host uid (and gid) of every sandbox's root. */
    static final int SANDBOX_ROOT = 100_000;
    static final int NOBODY = 65_534;

    private HostUsers() {}

    /** Runs {@code script} with {@code /bin/sh} as the host's {@code nobody}, with no supplementary groups. */
    static Proc.Result asNobody(String script) {
        return Proc.run(Map.of(), Duration.ofMinutes(1), Path.of("/usr/sbin/runuser"), "-u", "nobody", "--", "/bin/sh", "-c",
                script);
    }

    /**
     * Runs {@code script} as the sandboxes' root would run it after an escape: host uid and gid 100000, no
     * supplementary groups. setpriv keeps its capabilities until it execs, so the script runs in a shell it
     * execs first: what the script does, it does without any.
     */
    static Proc.Result asSandboxRoot(String script) {
        return Proc.run(Map.of(), Duration.ofMinutes(1), Path.of("/usr/bin/setpriv"), "--reuid=" + SANDBOX_ROOT,
                "--regid=" + SANDBOX_ROOT, "--clear-groups", "/bin/sh", "-c", script);
    }

    /**
     * What an account with {@code uid} and the one group {@code gid} reaches under {@code top} by the permission
     * bits (not root's rights): every entry whose directories above it, {@code top} included, it may search.
     * Symbolic links are listed, not followed. Read as root; directories it cannot search are not entered.
     */
    static List<Path> reachable(Path top, int uid, int gid) {
        List<Path> out = new ArrayList<>();
        if (may(top, uid, gid, 1)) {
            walk(top, uid, gid, out);
        }
        return out;
    }

    private static void walk(Path dir, int uid, int gid, List<Path> out) {
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.toList();
        } catch (IOException e) {
            return; // gone meanwhile
        }
        for (Path child : children) {
            out.add(child);
            if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) && may(child, uid, gid, 1)) {
                walk(child, uid, gid, out);
            }
        }
    }

    /** Whether the bits of {@code p} grant {@code bit} (4 read, 2 write, 1 search/execute) to that account. */
    static boolean may(Path p, int uid, int gid, int bit) {
        try {
            int mode = (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            int owner = (int) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int group = (int) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            int bits = owner == uid ? mode >> 6 : group == gid ? mode >> 3 : mode;
            return (bits & bit) != 0;
        } catch (IOException e) {
            if (e instanceof java.nio.file.NoSuchFileException) {
                return false;
            }
            throw new UncheckedIOException(e);
        }
    }

    /** Mode bits of {@code p}, e.g. 0600. */
    static int mode(Path p) {
        try {
            return (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
