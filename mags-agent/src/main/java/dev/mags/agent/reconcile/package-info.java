/** Finding and removing what sandboxes left on the host. */
package dev.mags.agent.reconcile;
