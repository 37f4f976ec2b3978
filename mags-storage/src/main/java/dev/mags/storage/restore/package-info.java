/** Restore: a snapshot becomes a directory tree again, verified, built aside and renamed into place. */
package dev.mags.storage.restore;
