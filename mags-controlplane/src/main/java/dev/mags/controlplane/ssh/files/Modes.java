package dev.mags.controlplane.ssh.files;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** The mode a new file or directory gets: the one the client asked for, else the usual default. */
final class Modes {
    private Modes() {}

    @SuppressWarnings("unchecked")
    static int of(FileAttribute<?>[] attrs, int defaultMode) {
        if (attrs != null) {
            for (FileAttribute<?> attr : attrs) {
                if (attr.name().equals("posix:permissions") || attr.name().equals("unix:permissions")) {
                    return SandboxAttributes.mode((Set<PosixFilePermission>) attr.value());
                }
            }
        }
        return defaultMode;
    }
}
