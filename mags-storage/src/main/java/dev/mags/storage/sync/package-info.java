/** Sync: a directory tree becomes a snapshot (chunks uploaded with bounded parallelism, manifest last). */
package dev.mags.storage.sync;
