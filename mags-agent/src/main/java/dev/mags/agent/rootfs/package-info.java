/** Sandbox root file systems: overlay mounts, the mount table, whole-tree operations. */
package dev.mags.agent.rootfs;
