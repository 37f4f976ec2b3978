package dev.mags.controlplane.workspace;

import dev.mags.controlplane.state.WorkspaceRecord;
import dev.mags.controlplane.state.WorkspaceStore;
import dev.mags.controlplane.placement.AgentDirectory;
import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.WorkspaceKey;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes local workspaces that no job has used for {@code idleTimeout}: their data on the agent,
 * then their rows. A workspace a job holds or waits for is left alone.
 */
public final class WorkspaceReaper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceReaper.class);

    private final WorkspaceStore store;
    private final WorkspaceLocks locks;
    private final AgentDirectory agents;
    private final Clock clock;
    private final Duration idleTimeout;
    private ScheduledExecutorService timer;
    private volatile BooleanSupplier leads = () -> true;

    public WorkspaceReaper(WorkspaceStore store, WorkspaceLocks locks, AgentDirectory agents, Clock clock,
            Duration idleTimeout) {
        this.store = store;
        this.locks = locks;
        this.agents = agents;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
    }

    /** Checks every {@code period} from now on, while {@code leads} (one process of a cluster reaps). */
    public synchronized void start(Duration period, BooleanSupplier leads) {
        this.leads = leads;
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("workspace-reaper").daemon().factory());
        timer.scheduleWithFixedDelay(this::reapQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The check period for an idle timeout: often enough to be within a few percent of it, at most every 30 s. */
    public static Duration periodFor(Duration idleTimeout) {
        long millis = Math.max(100, Math.min(30_000, idleTimeout.toMillis() / 10));
        return Duration.ofMillis(millis);
    }

    private void reapQuietly() {
        if (!leads.getAsBoolean()) {
            return;
        }
        try {
            reap();
        } catch (RuntimeException e) {
            LOG.warn("removing idle workspaces failed; trying again later", e);
        }
    }

    /** Removes each workspace idle longer than the timeout; returns how many. */
    public int reap() {
        int removed = 0;
        java.time.Instant cutoff = clock.instant().minus(idleTimeout);
        for (WorkspaceRecord ws : store.idleSince(cutoff)) {
            if (!locks.tryAcquire(ws.agentKey())) {
                continue;
            }
            try {
                // Looked at again under the lock: a job submitted since has marked it used.
                boolean stillIdle = store.find(ws.userId(), ws.name()).filter(w -> w.lastUsedAt().isBefore(cutoff)).isPresent();
                WorkspaceKey key = WorkspaceKey.of(ws.agentKey());
                boolean live = agents.agents().stream().flatMap(a -> a.workspaces().stream())
                        .anyMatch(l -> l.key().equals(key) && l.liveSandbox());
                if (!stillIdle || live || store.activeJobs(ws.userId(), ws.name()) > 0) {
                    continue;
                }
                for (Agent agent : agents.agents()) {
                    agent.deleteWorkspace(key);
                }
                store.delete(ws.userId(), ws.name());
                removed++;
                LOG.info("removed workspace '{}' of user {}: idle since {}", ws.name(), ws.userId(), ws.lastUsedAt());
            } catch (RuntimeException e) {
                LOG.warn("cannot remove idle workspace '{}' of user {}: {}", ws.name(), ws.userId(), e.getMessage());
            } finally {
                locks.release(ws.agentKey());
            }
        }
        return removed;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
