/**
 * The control plane ↔ agent contract, version 2: a sandbox is a resource with a lifecycle (created, running,
 * frozen, ended) that takes processes ({@link dev.mags.protocol.v2.Sandbox#exec}), forwards ports and exposes
 * its files; a job is the control plane's notion, built from a sandbox and an exec. Values that did not change
 * are still shared with {@code v1} until it is removed.
 */
package dev.mags.protocol.v2;
