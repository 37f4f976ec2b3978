package dev.mags.agent.disk;

import dev.mags.agent.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** {@code mkfs.ext4} (e2fsprogs), tuned for throwaway sandbox disks. */
public final class Mkfs {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final CommandRunner runner;

    public Mkfs(CommandRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /**
     * argv formatting {@code file} as ext4 in a few milliseconds, writing about 1 MB into it: no
     * journal (a sandbox disk never outlives a crash), no blocks reserved for root (the limit is
     * the limit), no space kept for online resizing, inode tables initialised lazily (and, mounted
     * with {@code noinit_itable}, never: the file stays sparse), no discard pass over the file.
     */
    public static List<String> ext4Argv(Path file) {
        return List.of("mkfs.ext4", "-F", "-q", "-b", "4096", "-m", "0", "-G", "256",
                "-O", "^has_journal,^resize_inode", "-E", "lazy_itable_init=1,nodiscard", file.toString());
    }

    public void ext4(Path file) {
        runner.run(ext4Argv(file), TIMEOUT);
    }
}
