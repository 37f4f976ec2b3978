/**
 * Workspace storage in S3: content-addressed chunks and one manifest per snapshot. Nothing here
 * yet; the first run keeps no workspace.
 */
package dev.mags.storage;
