/**
 * The local side: scanning a directory tree into manifest entries and materialising entries back, with the
 * native calls (JNA) that whiteouts, setuid bits, trusted xattrs and symlink times need.
 */
package dev.mags.storage.tree;
