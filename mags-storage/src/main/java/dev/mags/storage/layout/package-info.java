/** Names: workspaces, snapshot ids, and the key layout of the bucket ({@link dev.mags.storage.layout.BucketLayout}). */
package dev.mags.storage.layout;
