package dev.mags.storage.index;

import dev.mags.storage.manifest.Entry;
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
 * trusted while that snapshot is still the workspace's latest in the store.
 */
public record LocalIndex(String snapshotId, List<IndexedFile> files, List<Entry> entries) {
    public static final LocalIndex EMPTY = new LocalIndex("", List.of(), List.of());

    public LocalIndex {
        files = List.copyOf(files);
        entries = entries == null ? List.of() : List.copyOf(entries);
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
