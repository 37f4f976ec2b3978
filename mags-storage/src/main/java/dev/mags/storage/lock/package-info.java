/** Leases in the bucket that let garbage collection and syncs run on many hosts without losing chunks. */
package dev.mags.storage.lock;
