package dev.mags.storage.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.storage.error.InvalidStorageArgumentException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BucketLayoutTest {
    @Test
    void keysFollowTheDocumentedLayout() {
        WorkspaceRef ws = WorkspaceRef.of("alice", "my-proj.1");
        SnapshotId id = new SnapshotId("20251123T072301123Z-9f3a01bc");
        assertThat(BucketLayout.chunkKey("ab" + "0".repeat(62))).isEqualTo("chunks/ab/ab" + "0".repeat(62));
        assertThat(BucketLayout.packKey("cd" + "1".repeat(62))).isEqualTo("packs/cd/cd" + "1".repeat(62));
        assertThat(BucketLayout.packHash(BucketLayout.packKey("cd" + "1".repeat(62)))).contains("cd" + "1".repeat(62));
        assertThat(BucketLayout.packHash(BucketLayout.chunkKey("cd" + "1".repeat(62)))).isEmpty();
        assertThat(BucketLayout.chunkHash("packs/cd/short")).isEmpty();
        assertThat(BucketLayout.manifestKey(ws, id))
                .isEqualTo("workspaces/alice/my-proj.1/snapshots/20251123T072301123Z-9f3a01bc.json.zst");
        var parsed = BucketLayout.parseManifestKey(BucketLayout.manifestKey(ws, id)).orElseThrow();
        assertThat(parsed.workspace()).isEqualTo(ws);
        assertThat(parsed.snapshot()).isEqualTo(id);
        assertThat(BucketLayout.parseManifestKey("workspaces/alice/x/other/y.json.zst")).isEmpty();
    }

    @Test
    void snapshotIdsSortInTimeOrderEvenWhenTheClockStepsBack() {
        Instant t = Instant.parse("2025-11-23T07:23:01.123Z");
        SnapshotId a = SnapshotId.next(t, null);
        SnapshotId b = SnapshotId.next(t.minusSeconds(60), a);
        assertThat(b).isGreaterThan(a);
        assertThat(a.time()).isEqualTo(t);
    }

    @Test
    void workspaceNamesThatCouldEscapeTheirPrefixAreRefused() {
        for (String bad : new String[] {"..", ".", "a/b", "", "-x", "a b", "x".repeat(129)}) {
            assertThatThrownBy(() -> WorkspaceRef.of("alice", bad)).isInstanceOf(InvalidStorageArgumentException.class);
        }
        assertThat(WorkspaceRef.of("u_1", "Proj-2.x").toString()).isEqualTo("u_1/Proj-2.x");
    }
}
