package dev.mags.controlplane.metrics;

import dev.mags.protocol.v1.Agent;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live sandboxes, counted as the admission ledger counts them: one per running job without a workspace (from
 * the state store) and one per workspace whose sandbox the agent reports live. NaN when a source fails.
 */
final class SandboxGauges {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxGauges.class);
    private final Jdbi jdbi;
    private final Agent agent;

    SandboxGauges(Jdbi jdbi, Agent agent) {
        this.jdbi = jdbi;
        this.agent = agent;
    }

    double jobSandboxes() {
        try {
            return jdbi.withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM jobs WHERE status = 'running' AND workspace_id IS NULL")
                    .mapTo(Long.class).one());
        } catch (RuntimeException e) {
            LOG.warn("metrics: could not count running jobs", e);
            return Double.NaN;
        }
    }

    double workspaceSandboxes() {
        try {
            return agent.usage().workspaceSandboxes().size();
        } catch (RuntimeException e) {
            LOG.warn("metrics: the agent did not report its sandboxes", e);
            return Double.NaN;
        }
    }
}
