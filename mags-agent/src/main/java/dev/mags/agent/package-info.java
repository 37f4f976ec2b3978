/**
 * The host agent: {@link dev.mags.agent.LocalAgent} implements the agent contract by composing the
 * mechanism packages below, configured by one {@link dev.mags.agent.AgentConfig}. Mechanism packages
 * never depend on this one.
 */
package dev.mags.agent;
