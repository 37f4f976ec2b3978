package dev.mags.storage.tree;

import dev.mags.storage.manifest.Entry;
import java.nio.file.Path;

/** An entry found by the scanner: its manifest entry (a FILE still without chunks), where it is, and its stat. */
public record ScannedEntry(Entry entry, Path file, FileStat stat) {}
