package dev.mags.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.storage.error.StoreUnavailableException;
import dev.mags.storage.layout.SnapshotId;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.progress.ProgressListener;
import dev.mags.storage.sync.SnapshotInfo;
import dev.mags.storage.testing.S3Fixture;
import dev.mags.storage.testing.TreeDigest;
import dev.mags.storage.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 server stops in the middle of a sync: a clear failure, nothing reported synced, and a later sync works. */
class S3OutageIT {
    static final WorkspaceRef WS = WorkspaceRef.of("alice", "outage");

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
    void aSyncDuringAnOutageFailsClearlyAndTheNextOneSucceeds() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("upper"));
        Files.writeString(tree.resolve("first"), "v1");
        WorkspaceStorage storage = new WorkspaceStorage(s3.store(), StorageSettings.defaults(tmp.resolve("state")));
        SnapshotId first = storage.sync(tree, WS, ProgressListener.NONE).id();
        Trees.many(tree, 100, 100_000, 5);

        AtomicBoolean stopped = new AtomicBoolean();
        ProgressListener stopHalfWay = p -> {
            if (p.bytesTotal() > 0 && p.fraction() > 0.3 && stopped.compareAndSet(false, true)) {
                s3.stopServer();
            }
        };
        assertThatThrownBy(() -> storage.sync(tree, WS, stopHalfWay))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("S3 unreachable at " + s3.server().endpoint());
        assertThat(stopped).isTrue();

        s3.restartServer();
        assertThat(storage.latest(WS)).contains(first);
        SnapshotInfo later = storage.sync(tree, WS, ProgressListener.NONE);
        assertThat(later.id()).isGreaterThan(first);
        Path restored = tmp.resolve("restored");
        storage.restore(WS, Optional.empty(), restored, ProgressListener.NONE);
        assertThat(TreeDigest.contents(restored)).isEqualTo(TreeDigest.contents(tree));
    }
}
