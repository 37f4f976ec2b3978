/** The snapshot manifest: entries, JSON+zstd encoding, and manifests in the object store. */
package dev.mags.storage.manifest;
