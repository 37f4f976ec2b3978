/**
 * The agent contract v2 ({@code dev.mags.protocol.v2}) on the wire: {@code AgentServer} serves a host's
 * {@code Agent} over HTTP/JSON to the control plane, {@code RemoteAgent} is the control plane's client of it.
 * Both ends live here so that one contract test holds them to the same behaviour as the in-process agent.
 */
package dev.mags.wire;
