package dev.mags.controlplane.metrics;

import dev.mags.controlplane.placement.AgentDirectory;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live sandboxes, counted as the admission ledger counts them: one per running job without a workspace (from
 * the state store) and one per workspace whose sandbox an agent reports live; sleeping ones are the store's
 * sleeping jobs (a sleeping sandbox has no processes). NaN when a source fails.
 */
final class SandboxGauges {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxGauges.class);
    private final Jdbi jdbi;
    private final AgentDirectory agents;

    SandboxGauges(Jdbi jdbi, AgentDirectory agents) {
        this.jdbi = jdbi;
        this.agents = agents;
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

    double sleeping() {
        try {
            return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM jobs WHERE status = 'sleeping'")
                    .mapTo(Long.class).one());
        } catch (RuntimeException e) {
            LOG.warn("metrics: could not count sleeping jobs", e);
            return Double.NaN;
        }
    }

    double workspaceSandboxes() {
        try {
            return agents.agents().stream().mapToInt(a -> a.usage().workspaceSandboxes().size()).sum();
        } catch (RuntimeException e) {
            LOG.warn("metrics: the agent did not report its sandboxes", e);
            return Double.NaN;
        }
    }
}
