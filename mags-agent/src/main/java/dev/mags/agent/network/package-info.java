/**
 * Sandbox networking: each sandbox's network namespace gets its own user-mode NAT
 * ({@link dev.mags.agent.network.Slirp4netns}), routes that make the host and non-public ranges
 * unreachable ({@link dev.mags.agent.network.EgressPolicy}), and connections to a sandbox's ports made from
 * inside its namespace ({@link dev.mags.agent.network.NetnsDialer}), so that no sandbox port is ever bound on
 * the host.
 * {@link dev.mags.agent.network.SandboxNetwork#attach} is the entry point;
 * {@link dev.mags.agent.network.NetworkReaper} finds and kills what a crashed agent left.
 */
package dev.mags.agent.network;
