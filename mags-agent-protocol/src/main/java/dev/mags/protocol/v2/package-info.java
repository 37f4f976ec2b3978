/**
 * The control plane ↔ agent contract, version 2: a sandbox is a resource with a lifecycle (created, running,
 * frozen, ended) that takes processes ({@link dev.mags.protocol.v2.Sandbox#exec}), forwards ports and exposes
 * its files; a job is the control plane's notion, built from a sandbox and an exec. Everything here is a value
 * record, an enum of typed error codes, or a narrow interface; a change that breaks a peer gets a new version
 * package, never an edit in place ({@link dev.mags.protocol.v2.AgentProtocol#VERSION}).
 */
package dev.mags.protocol.v2;
