package dev.mags.cli.ssh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/** Finds a program on the PATH, as a shell would: the first executable file of that name. */
public final class Programs {
    private final String path;

    /** @param path the PATH (directories separated by ':'); null finds nothing */
    public Programs(String path) {
        this.path = path;
    }

    public Optional<Path> find(String name) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(Pattern.quote(java.io.File.pathSeparator))) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
