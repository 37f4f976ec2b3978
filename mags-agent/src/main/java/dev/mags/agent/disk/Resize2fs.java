package dev.mags.agent.disk;

import dev.mags.agent.process.CommandRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Grows an unmounted ext4 disk file: {@code e2fsck} (resize2fs insists on a freshly checked file system), then {@code resize2fs}. */
public final class Resize2fs {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final CommandRunner runner;

    public Resize2fs(CommandRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /** Extends {@code file} (sparse) to {@code sizeBytes} and grows its file system to fill it. */
    public void grow(Path file, long sizeBytes) throws IOException {
        runner.run(List.of("e2fsck", "-f", "-p", file.toString()), TIMEOUT);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(sizeBytes);
        }
        runner.run(List.of("resize2fs", file.toString()), TIMEOUT);
    }
}
