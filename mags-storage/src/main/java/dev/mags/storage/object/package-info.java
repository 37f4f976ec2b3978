/** The object store seam ({@link dev.mags.storage.object.ObjectStore}) and its in-memory fake. */
package dev.mags.storage.object;
