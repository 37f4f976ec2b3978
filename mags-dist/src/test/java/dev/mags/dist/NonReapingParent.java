package dev.mags.dist;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * This test process as the parent of what magsd leaves behind, one that never reaps it: as pid 1 of many
 * containers. While open, this process is a child subreaper, so a process that magsd (its child) or one of
 * magsd's children leaves without a parent comes here instead of to the host's init; the JDK reaps only the
 * processes it started, so each one that ends stays a zombie here, for {@link #zombieChildren} to show.
 */
final class NonReapingParent implements AutoCloseable {
    private static final int PR_SET_CHILD_SUBREAPER = 36;

    private interface C extends Library {
        C LIB = Native.load("c", C.class);

        int prctl(int option, long arg2, long arg3, long arg4, long arg5);
    }

    private NonReapingParent() {}

    static NonReapingParent become() {
        if (C.LIB.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
            throw new IllegalStateException("prctl(PR_SET_CHILD_SUBREAPER) failed: errno " + Native.getLastError());
        }
        return new NonReapingParent();
    }

    /** The zombies among this process's children, each as "pid command (NSpid ...)". */
    List<String> zombieChildren() {
        return zombieChildrenOf(ProcessHandle.current().pid());
    }

    /** The zombies among {@code parent}'s children. */
    static List<String> zombieChildrenOf(long parent) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (rest[0].equals("Z") && Long.parseLong(rest[1]) == parent) {
                        String nspid = Files.readAllLines(p.resolve("status")).stream()
                                .filter(l -> l.startsWith("NSpid:")).findFirst().orElse("").replaceAll("\\s+", " ");
                        found.add(p.getFileName() + " " + stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                                + " (" + nspid + ")");
                    }
                } catch (IOException | RuntimeException gone) {
                    // reaped while we looked
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return found;
    }

    /** No longer a subreaper; zombies already here stay until this process ends (the host's init takes them). */
    @Override
    public void close() {
        C.LIB.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
    }
}
