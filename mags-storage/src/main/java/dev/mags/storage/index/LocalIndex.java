package dev.mags.storage.index;

import dev.mags.storage.manifest.Entry;
import dev.mags.storage.manifest.PackSlot;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the last sync of a workspace on this host saw: the snapshot it committed, that snapshot's entries
 * (to tell an unchanged tree, which needs no new snapshot) and the identity of its regular files. Only
 * trusted while that snapshot is still the workspace's latest in the store. {@code packed} is that snapshot's
 * pack table, so unchanged small chunks keep their place without reading the manifest.
 */
public record LocalIndex(String snapshotId, List<IndexedFile> files, List<Entry> entries, Map<String, PackSlot> packed) {
    public static final LocalIndex EMPTY = new LocalIndex("", List.of(), List.of(), Map.of());

    public LocalIndex {
        files = List.copyOf(files);
        entries = entries == null ? List.of() : List.copyOf(entries);
        packed = packed == null ? Map.of() : Map.copyOf(packed);
    }

    public Map<String, IndexedFile> byPath() {
        return files.stream().collect(Collectors.toMap(IndexedFile::path, Function.identity(), (a, b) -> a));
    }

    /** Every chunk of the indexed snapshot: they exist as long as its manifest does. */
    public Set<String> chunks() {
        Set<String> all = new HashSet<>();
        files.forEach(f -> all.addAll(f.chunks()));
        return all;
    }

    public Optional<String> snapshot() {
        return snapshotId.isEmpty() ? Optional.empty() : Optional.of(snapshotId);
    }
}
