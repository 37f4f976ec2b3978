/** The per-host index of the last synced snapshot, which lets a sync skip unchanged files without opening them. */
package dev.mags.storage.index;
