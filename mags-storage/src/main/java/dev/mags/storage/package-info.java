/**
 * Workspace storage in S3: content-addressed chunks and one manifest per snapshot, the manifest written
 * last. {@link dev.mags.storage.WorkspaceStorage} is what the server calls; it wires the mechanism packages,
 * none of which depends on this root package.
 */
package dev.mags.storage;
