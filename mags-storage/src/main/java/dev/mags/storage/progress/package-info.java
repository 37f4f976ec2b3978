/** Progress of syncs and restores, for progress bars. */
package dev.mags.storage.progress;
