/** Workspaces: disks that keep a sandbox's writable layer between sandboxes, {@code <dataDir>/workspaces/<key>/}. */
package dev.mags.agent.workspace;
