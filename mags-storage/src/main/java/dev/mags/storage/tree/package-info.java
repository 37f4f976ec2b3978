/**
 * The local side: scanning a directory tree into manifest entries and materialising entries back, with the
 * native calls (JNA) that whiteouts, setuid bits, trusted xattrs and symlink times need. Every access inside
 * a tree goes through {@link dev.mags.storage.tree.TreeRoot} (paths resolved beneath the root's descriptor,
 * no symlink followed) and {@link dev.mags.storage.tree.TreeDir} (one name relative to a pinned directory).
 */
package dev.mags.storage.tree;
