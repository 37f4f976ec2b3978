/**
 * A sandbox's disk: a sparse file of the sandbox's disk limit, formatted ext4 and loop-mounted; the
 * overlay's writable layer lives on it, so writes past the limit fail with ENOSPC.
 */
package dev.mags.agent.disk;
