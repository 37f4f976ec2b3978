package dev.mags.storage.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.storage.error.CorruptDataException;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {
    private static final String H1 = "a".repeat(64);
    private static final String H2 = "b".repeat(64);

    static Manifest sample() {
        List<Entry> entries = List.of(
                new Entry("", EntryType.DIR, 0755, 0, 0, 1_700_000_000_123_456_789L, 0, null, 0, 0, false, Map.of(), List.of()),
                new Entry("bin", EntryType.DIR, 0755, 0, 0, 1L, 0, null, 0, 0, true, Map.of(), List.of()),
                new Entry("bin/su", EntryType.FILE, 04755, 0, 0, 2L, 5_000_000, null, 0, 0, false,
                        Map.of("security.capability", "AQIDBA=="), List.of(H1, H2)),
                new Entry("bin/su2", EntryType.HARDLINK, 04755, 0, 0, 2L, 5_000_000, "bin/su", 0, 0, false, Map.of(), List.of()),
                new Entry("empty", EntryType.FILE, 0600, 1000, 1000, 3L, 0, null, 0, 0, false, Map.of(), List.of()),
                new Entry("etc-motd", EntryType.WHITEOUT, 0, 0, 0, 4L, 0, null, 0, 0, false, Map.of(), List.of()),
                new Entry("link", EntryType.SYMLINK, 0777, 4294967294L, 65534, 5L, 0, "../bin/su", 0, 0, false, Map.of(), List.of()),
                new Entry("null", EntryType.CHAR_DEVICE, 0666, 0, 0, 6L, 0, null, 1, 3, false, Map.of(), List.of()),
                new Entry("loop", EntryType.BLOCK_DEVICE, 0660, 0, 6, 7L, 0, null, 7, 300, false, Map.of(), List.of()),
                new Entry("pipe", EntryType.FIFO, 0644, 0, 0, -8L, 0, null, 0, 0, false, Map.of("user.k", "dg=="), List.of()));
        return new Manifest(Manifest.FORMAT, "20251123T072301123Z-9f3a01bc", "alice", "proj", "2025-11-23T07:23:01.123Z",
                "host1", 4 << 20, 3, 5_000_000, entries.size(), entries, Map.of(H2, new PackSlot(H1, 8_388_608, 1_234, 8_400_000)));
    }

    @Test
    void everyEntryTypeSurvivesARoundTrip() {
        Manifest m = sample();
        Manifest back = ManifestCodec.decode(new ByteArrayInputStream(ManifestCodec.encode(m)), "test");
        assertThat(back).isEqualTo(m);
    }

    @Test
    void theSummaryIsReadWithoutTheEntries() {
        Manifest m = sample();
        List<Entry> many = new ArrayList<>(m.entries());
        for (int i = 0; i < 20_000; i++) {
            many.add(new Entry("f" + i, EntryType.FILE, 0644, 0, 0, i, 10, null, 0, 0, false, Map.of(), List.of(H1)));
        }
        Manifest big = new Manifest(m.format(), m.snapshotId(), m.owner(), m.workspace(), m.createdAt(), m.host(),
                m.chunkSize(), m.files(), m.bytes(), many.size(), many, m.packed());
        ManifestSummary s = ManifestCodec.decodeSummary(new ByteArrayInputStream(ManifestCodec.encode(big)), "test");
        assertThat(s).isEqualTo(big.summary());
    }

    @Test
    void aNewerFormatIsRefusedByName() {
        Manifest m = sample();
        Manifest newer = new Manifest(Manifest.FORMAT + 1, m.snapshotId(), m.owner(), m.workspace(), m.createdAt(), m.host(),
                m.chunkSize(), m.files(), m.bytes(), m.entryCount(), m.entries(), m.packed());
        assertThatThrownBy(() -> ManifestCodec.decode(new ByteArrayInputStream(ManifestCodec.encode(newer)), "k"))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("format " + (Manifest.FORMAT + 1));
    }

    @Test
    void aFormatOneManifestWithoutPacksIsStillRead() {
        Manifest m = sample();
        Manifest old = new Manifest(1, m.snapshotId(), m.owner(), m.workspace(), m.createdAt(), m.host(), m.chunkSize(),
                m.files(), m.bytes(), m.entryCount(), m.entries(), null);
        Manifest back = ManifestCodec.decode(new ByteArrayInputStream(ManifestCodec.encode(old)), "k");
        assertThat(back.format()).isEqualTo(1);
        assertThat(back.packed()).isEmpty();
        assertThat(back.entries()).isEqualTo(m.entries());
    }

    @Test
    void garbageIsCorruptData() {
        assertThatThrownBy(() -> ManifestCodec.decode(new ByteArrayInputStream(new byte[] {1, 2, 3}), "k"))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("cannot read manifest k");
    }
}
