package dev.mags.storage.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.storage.error.InvalidStorageArgumentException;
import dev.mags.storage.error.NotFoundException;
import dev.mags.storage.layout.SnapshotId;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.object.InMemoryObjectStore;
import org.junit.jupiter.api.Test;

class ManifestStoreTest {
    static final WorkspaceRef WS = WorkspaceRef.of("alice", "proj");

    @Test
    void aCommitRetriedAfterALostAnswerSucceedsButAnotherSnapshotUnderTheSameIdIsRefused() {
        ManifestStore manifests = new ManifestStore(new InMemoryObjectStore());
        Manifest m = ManifestCodecTest.sample();
        manifests.commit(WS, m);
        manifests.commit(WS, m);
        Manifest other = new Manifest(m.format(), m.snapshotId(), m.owner(), m.workspace(), m.createdAt(), "other-host",
                m.chunkSize(), m.files(), m.bytes(), m.entryCount(), m.entries(), m.packed());
        assertThatThrownBy(() -> manifests.commit(WS, other)).isInstanceOf(InvalidStorageArgumentException.class)
                .hasMessageContaining("already exists");
        assertThat(manifests.latest(WS)).contains(new SnapshotId(m.snapshotId()));
        assertThat(manifests.read(WS, new SnapshotId(m.snapshotId()))).isEqualTo(m);
    }

    @Test
    void anUnknownSnapshotIsNamedInTheError() {
        ManifestStore manifests = new ManifestStore(new InMemoryObjectStore());
        assertThatThrownBy(() -> manifests.read(WS, new SnapshotId("20250101T000000000Z-00000000")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("workspace alice/proj has no snapshot 20250101T000000000Z-00000000");
        assertThat(manifests.latest(WS)).isEmpty();
    }
}
