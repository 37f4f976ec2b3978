package dev.mags.dist;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the repository the tests run in (the launchers live at its root). */
final class Repo {
    private Repo() {}

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("bin/magsd"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (bin/magsd) above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    static Path magsd() {
        return root().resolve("bin/magsd");
    }

    static Path mags() {
        return root().resolve("bin/mags");
    }
}
