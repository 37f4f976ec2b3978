package dev.mags.agent.files;

import java.io.IOException;
import java.nio.file.FileSystemException;

/** Paths as the sandbox names them (absolute, {@code /}-separated), made relative to its root for {@link InRoot}. */
final class InsidePaths {
    private InsidePaths() {
    }

    /** The path relative to the root: "" for the root itself. */
    static String relative(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("'" + path + "' is not an absolute path in the sandbox");
        }
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a path must not contain a NUL character");
        }
        String rel = path.replaceAll("/+", "/").substring(1);
        return rel.endsWith("/") ? rel.substring(0, rel.length() - 1) : rel;
    }

    /** The relative path of an entry that has a name of its own (not the root, not "." or ".."). */
    static String requireEntry(String path) throws IOException {
        String rel = relative(path);
        String name = nameOf(rel);
        if (rel.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new FileSystemException(path, null, "names no entry of a directory");
        }
        return rel;
    }

    static String parentOf(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    static String nameOf(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }
}
