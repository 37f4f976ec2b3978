package dev.mags.storage.tree;

import dev.mags.storage.manifest.Entry;

/**
 * An entry found by the scanner: its manifest entry (a FILE still without chunks) and its stat. Where it is
 * is its path relative to the scanned tree's root, {@code entry().path()}: opened again only beneath that root.
 */
public record ScannedEntry(Entry entry, FileStat stat) {
    public String path() {
        return entry.path();
    }
}
