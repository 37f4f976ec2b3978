package dev.mags.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.progress.ProgressListener;
import dev.mags.storage.sync.SnapshotInfo;
import dev.mags.storage.testing.S3Fixture;
import dev.mags.storage.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two workspaces of two users holding the same 20 MB file store its chunks once, measured in the bucket. */
class DedupIT {
    @TempDir
    Path tmp;
    S3Fixture s3;

    @BeforeEach
    void start() {
        s3 = new S3Fixture(tmp.resolve("s3"));
    }

    @AfterEach
    void stop() {
        s3.close();
    }

    @Test
    void theSameFileInTwoWorkspacesIsStoredOnce() throws IOException {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b/nested"));
        Trees.file(a.resolve("dataset.bin"), 20_000_000, 42);
        Files.copy(a.resolve("dataset.bin"), b.resolve("copy.bin"));
        WorkspaceStorage storage = new WorkspaceStorage(s3.store(), StorageSettings.defaults(tmp.resolve("state")));

        SnapshotInfo first = storage.sync(a, WorkspaceRef.of("alice", "proj"), ProgressListener.NONE);
        long[] afterFirst = chunkObjects();
        SnapshotInfo second = storage.sync(b.getParent(), WorkspaceRef.of("bob", "proj"), ProgressListener.NONE);
        long[] afterSecond = chunkObjects();

        assertThat(afterFirst[0]).isEqualTo(5); // 20 MB in 4 MiB chunks
        assertThat(afterSecond).containsExactly(afterFirst);
        assertThat(first.bytesUploaded()).isEqualTo(afterFirst[1]);
        assertThat(second.bytesUploaded()).isZero();
        assertThat(second.bytesRead()).isEqualTo(20_000_000);
    }

    /** Count and total size of the chunk objects, read from the embedded server's directory. */
    private long[] chunkObjects() throws IOException {
        try (Stream<Path> s = Files.walk(s3.bucketDir().resolve("chunks"))) {
            long[] r = new long[2];
            s.filter(Files::isRegularFile).forEach(p -> {
                r[0]++;
                r[1] += p.toFile().length();
            });
            return r;
        }
    }
}
