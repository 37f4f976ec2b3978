/**
 * The warm pool: containers created and started in advance, per {@link dev.mags.agent.sandbox.SandboxShape},
 * handed to jobs of that shape and refilled in the background.
 */
package dev.mags.agent.pool;
