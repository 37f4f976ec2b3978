/** Snapshot history of workspaces: listing, retention (keep the last N) and deleting a workspace. */
package dev.mags.storage.history;
