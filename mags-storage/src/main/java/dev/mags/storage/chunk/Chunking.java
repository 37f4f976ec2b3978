package dev.mags.storage.chunk;

/**
 * How files are cut into chunks: fixed-size pieces of {@link #CHUNK_SIZE} bytes, the last one shorter.
 *
 * <p>Why fixed-size rather than content-defined chunking (restic's Rabin, kopia's buzhash):
 * <ul>
 *   <li>Workspace files are mostly small (source, packages, caches): below 4 MiB a file is one chunk either
 *       way, and whole-file deduplication across workspaces and snapshots is what saves the bytes.</li>
 *   <li>The large files that do change in sandboxes change in ways fixed boundaries handle: rewritten whole
 *       (build outputs, pip/npm installs write new files), appended to (logs), or updated in place page by page
 *       (SQLite, other databases). Only an insertion in the middle of a large file shifts every later
 *       boundary, and then that one file is re-uploaded, as it would be without chunking.</li>
 *   <li>No rolling hash over every byte: on two cores the sync is CPU-bound on SHA-256 and zstd, and the
 *       benchmark ({@code StorageBenchmark}) measures the whole pipeline at the speed of those two.</li>
 *   <li>Offsets are known before reading, which keeps the reader and writer simple and lets restore write
 *       chunks of one file in parallel later if that is ever needed.</li>
 * </ul>
 * 4 MiB balances request count (a 1 GiB file is 256 PUTs) against re-upload granularity for in-place edits;
 * eight chunks in flight bound the memory of a sync to ~64 MiB.
 */
public final class Chunking {
    public static final int CHUNK_SIZE = 4 * 1024 * 1024;

    private Chunking() {}
}
