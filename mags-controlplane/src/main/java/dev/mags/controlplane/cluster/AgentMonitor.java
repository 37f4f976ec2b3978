package dev.mags.controlplane.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares lost, every second, the agents silent for longer than {@code lostAfter}, and has the directory end the
 * sandboxes this control plane knew on them (their jobs end with the reason). Every replica may run one: the
 * registry lets one declare each agent lost, and the others' directories learn of it when they read the registry.
 * Times are the replicas' clocks (the one that took the heartbeat, the one that checks): keep them in sync (NTP).
 */
public final class AgentMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentMonitor.class);
    /**
     * Silence after which an agent is lost unless the operator says otherwise: seven missed heartbeats (an agent
     * sends one every 2 s), so that a pause of the agent's JVM or a short network blip does not end its sandboxes,
     * while a dead host's work can still be started elsewhere well within a minute.
     */
    public static final Duration DEFAULT_LOST_AFTER = Duration.ofSeconds(15);
    static final Duration PERIOD = Duration.ofSeconds(1);

    private final AgentRegistry registry;
    private final ClusterDirectory directory;
    private final Duration lostAfter;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("mags-agent-monitor").daemon().factory());

    public AgentMonitor(AgentRegistry registry, ClusterDirectory directory, Duration lostAfter, Clock clock) {
        if (lostAfter.isNegative() || lostAfter.isZero()) {
            throw new IllegalArgumentException("the time after which a silent agent is lost must be positive, got "
                    + lostAfter);
        }
        this.registry = Objects.requireNonNull(registry, "registry");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.lostAfter = lostAfter;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Checks every second from now until closed. */
    public AgentMonitor start() {
        timer.scheduleWithFixedDelay(this::checkLogged, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One check: declares the silent agents lost, tells the directory, and returns them. */
    List<AgentRecord> check() {
        List<AgentRecord> lost = registry.markLost(clock.instant().minus(lostAfter));
        for (AgentRecord agent : lost) {
            LOG.warn("{}: declared lost after {} s of silence", agent.lostReason(), lostAfter.toSeconds());
            directory.lost(agent);
        }
        directory.refresh(); // agents another replica declared lost, or that came back
        return lost;
    }

    private void checkLogged() {
        try {
            check();
        } catch (RuntimeException e) {
            // The state store may be down for a moment: the next check tries again.
            LOG.warn("cannot check the cluster's agents: {}", e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
