/** Garbage collection of chunks no manifest references, safe while syncs run (see GarbageCollector). */
package dev.mags.storage.gc;
