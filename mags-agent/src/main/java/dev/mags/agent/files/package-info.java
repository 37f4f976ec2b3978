/** A running sandbox's files, reached from the host by paths as the sandbox sees them, never out of its root. */
package dev.mags.agent.files;
