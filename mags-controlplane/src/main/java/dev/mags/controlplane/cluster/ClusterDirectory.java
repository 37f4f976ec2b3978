package dev.mags.controlplane.cluster;

import dev.mags.controlplane.placement.AgentDirectory;
import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.ImageInfo;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.WorkspaceKey;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of cluster mode: the live agents of the {@link AgentRegistry}, each through an {@link AgentLink} (a
 * {@code RemoteAgent} in production) made when the agent appears, made anew when it restarts or moves, and closed
 * when it is lost; its sandboxes then end with the reason.
 *
 * <p>The agents are read from the registry at most every {@code refreshEvery} (one second in production): a call in
 * between uses what the last read found, and {@link #refresh()} reads at once. Placement is best of two
 * ({@link Placement}): two live agents with a free slot picked at random, the one with more free slots (then more free
 * memory) wins; free slots are the last heartbeat's, less what was placed here since. A sandbox on a workspace's
 * disk goes to the agent that keeps that disk while it is live, full or not: another host would start from the
 * latest snapshot in storage, which may be older than that disk (or not exist, for a local workspace).
 *
 * <p>Which agent holds a sandbox is remembered from {@link #place} and confirmed by asking it; a sandbox placed by
 * another replica (or before a restart) is found by asking every live agent. Closing releases the links only: the
 * agents and their sandboxes go on, for the other replicas or this one's next start.
 */
public final class ClusterDirectory implements AgentDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterDirectory.class);
    /** How often the registry is read again, in production. */
    public static final Duration REFRESH_EVERY = Duration.ofSeconds(1);
    /** How long a placement not yet seen as a sandbox is remembered: longer than any create (a restore included). */
    private static final Duration UNCONFIRMED_FOR = Duration.ofMinutes(30);

    private record Held(String agentId, long atNanos, boolean confirmed) {}

    private record Found(Member member, Sandbox sandbox) {}

    /** A link taken out of the directory, whose sandboxes end with {@code why}. */
    private record Dropped(Member member, String why) {}

    private final AgentRegistry registry;
    private final Function<URI, AgentLink> links;
    private final Duration refreshEvery;
    private final DiskSettings disks;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final Map<SandboxId, Held> holders = new ConcurrentHashMap<>();
    private final Object placing = new Object();
    private final SplittableRandom random = new SplittableRandom(); // guarded by placing
    private long refreshedAt;
    private boolean refreshed;
    private boolean closed;

    /**
     * @param links how to reach the agent at a URL (production: {@link AgentLink#remote})
     * @param disks what each host keeps free and may promise to sandbox disks (admission's disk settings)
     */
    public ClusterDirectory(AgentRegistry registry, Function<URI, AgentLink> links, Duration refreshEvery,
                            DiskSettings disks) {
        this.registry = registry;
        this.links = links;
        this.refreshEvery = refreshEvery;
        this.disks = disks;
    }

    /** The directory of {@code magsd control-plane}: {@code RemoteAgent}s with the cluster's agent secret. */
    public static ClusterDirectory remote(AgentRegistry registry, String agentSecret, DiskSettings disks) {
        return remote(registry, agentSecret, null, disks);
    }

    /**
     * Like {@link #remote(AgentRegistry, String, DiskSettings)}, checking the certificates of agents served over
     * HTTPS against {@code agentCa} (null: the JDK's trusted CAs).
     */
    public static ClusterDirectory remote(AgentRegistry registry, String agentSecret, SSLContext agentCa,
            DiskSettings disks) {
        return new ClusterDirectory(registry, url -> AgentLink.remote(url, agentSecret, agentCa), REFRESH_EVERY, disks);
    }

    /** The free space every host keeps ({@code --disk-reserve-gb}) and the disks' overcommit ({@code --disk-overcommit}). */
    public record DiskSettings(long reserveBytes, double overcommit) {
        /** No reserve, no overcommit: a disk goes wherever its size is free (tests). */
        public static final DiskSettings NONE = new DiskSettings(0, 1.0);
    }

    @Override
    public Agent place(SandboxSpec spec) {
        refreshIfStale();
        WorkspaceKey workspace = spec.workspace() == null ? null : spec.workspace().key();
        synchronized (placing) {
            if (isClosed()) {
                throw new AgentException(AgentErrorCode.SHUTTING_DOWN, "the control plane is shutting down");
            }
            long disk = spec.limits().diskBytes();
            Member chosen = Placement.choose(List.copyOf(members.values()), workspace, disk,
                    disks.reserveBytes(), disks.overcommit(), random);
            chosen.placed(workspace, workspace != null && chosen.keeps(workspace) ? 0 : disk);
            holders.put(spec.id(), new Held(chosen.id(), System.nanoTime(), false));
            return chosen.link.agent();
        }
    }

    @Override
    public void full(Agent agent) {
        refreshIfStale();
        members.values().stream().filter(m -> m.link.agent() == agent).forEach(Member::full);
    }

    @Override
    public Optional<Agent> holding(SandboxId id) {
        return find(id).map(f -> f.member().link.agent());
    }

    @Override
    public Optional<Sandbox> sandbox(SandboxId id) {
        return find(id).map(Found::sandbox);
    }

    /**
     * The sandbox and its agent. An agent known to hold it that does not answer is an error (UNREACHABLE), not an
     * end: the sandbox may well run on, and only the monitor declares an agent lost; likewise when no agent that
     * answered has it and some did not answer.
     */
    private Optional<Found> find(SandboxId id) {
        refreshIfStale();
        Held held = holders.get(id);
        if (held != null) {
            Member m = members.get(held.agentId());
            Optional<Sandbox> sandbox = m == null ? Optional.empty() : m.link.agent().sandbox(id);
            if (sandbox.isPresent()) {
                return Optional.of(confirmed(id, m, sandbox.get()));
            }
            holders.remove(id, held);
            return Optional.empty();
        }
        List<String> silent = new ArrayList<>();
        for (Member m : members.values()) {
            try {
                Optional<Sandbox> sandbox = m.link.agent().sandbox(id);
                if (sandbox.isPresent()) {
                    return Optional.of(confirmed(id, m, sandbox.get()));
                }
            } catch (AgentException e) {
                if (e.code() != AgentErrorCode.UNREACHABLE) {
                    throw e;
                }
                silent.add(m.id());
            }
        }
        if (!silent.isEmpty()) {
            throw new AgentException(AgentErrorCode.UNREACHABLE, "sandbox " + id + " is on no agent that answered; "
                    + "the agents " + silent + " did not answer (it may be there)");
        }
        return Optional.empty();
    }

    private Found confirmed(SandboxId id, Member m, Sandbox sandbox) {
        Held before = holders.put(id, new Held(m.id(), System.nanoTime(), true));
        if (before == null || !before.confirmed()) {
            String agentId = m.id();
            sandbox.ended().whenComplete((end, failure) ->
                    holders.computeIfPresent(id, (k, h) -> h.agentId().equals(agentId) ? null : h));
        }
        return new Found(m, sandbox);
    }

    @Override
    public Collection<Agent> agents() {
        refreshIfStale();
        return members.values().stream().map(m -> m.link.agent()).toList();
    }

    /** From the agents' heartbeats (and placements here since): no agent is called. */
    /** Other replicas place sandboxes on these agents too. */
    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public Optional<Agent> keeping(WorkspaceKey key) {
        refreshIfStale();
        return members.values().stream().filter(m -> m.keeps(key)).findFirst().map(m -> m.link.agent());
    }

    /** From each agent's images, asked at most every few seconds; an agent that does not answer is passed over. */
    @Override
    public Optional<ImageInfo> image(String name) {
        refreshIfStale();
        for (Member m : members.values()) {
            try {
                Optional<ImageInfo> image = m.images().stream().filter(i -> i.name().equals(name)).findFirst();
                if (image.isPresent()) {
                    return image;
                }
            } catch (AgentException e) {
                LOG.debug("agent {} did not list its images: {}", m.id(), e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * The monitor declared the agent lost: its link's sandboxes end with {@link AgentRecord#lostReason()} (so their
     * jobs end saying so) and its link closes. Other replicas learn of it at their next {@link #refresh()}.
     */
    public void lost(AgentRecord agent) {
        List<Dropped> dropped;
        synchronized (this) {
            Member m = members.get(agent.id());
            dropped = m == null ? List.of() : List.of(drop(m, agent.lostReason()));
        }
        end(dropped);
    }

    /** Reads the registry now: new agents get a link, lost and restarted ones lose theirs (their sandboxes end). */
    public void refresh() {
        end(refreshLocked());
    }

    private synchronized List<Dropped> refreshLocked() {
        if (closed) {
            return List.of();
        }
        Map<String, AgentRecord> all = registry.all().stream().collect(Collectors.toMap(AgentRecord::id, a -> a));
        List<Dropped> dropped = new ArrayList<>();
        for (Member m : List.copyOf(members.values())) {
            AgentRecord r = all.get(m.id());
            if (r == null) {
                dropped.add(drop(m, "the agent " + m.id() + " was removed from the cluster"));
            } else if (r.state() == AgentRecord.State.LOST) {
                dropped.add(drop(m, r.lostReason()));
            } else if (!m.sameProcess(r)) {
                dropped.add(drop(m, "the agent " + m.id() + " restarted at " + r.startedAt() + " (now on " + r.url()
                        + "): what its previous process ran ended with it"));
            } else {
                m.update(r);
            }
        }
        for (AgentRecord r : all.values()) {
            if (r.state() == AgentRecord.State.LIVE && !members.containsKey(r.id())) {
                members.put(r.id(), new Member(r, links.apply(r.url())));
                LOG.info("agent {} on {} is live", r.id(), r.url());
            }
        }
        long now = System.nanoTime();
        holders.values().removeIf(h -> !h.confirmed() && now - h.atNanos() > UNCONFIRMED_FOR.toNanos());
        refreshedAt = now;
        refreshed = true;
        return dropped;
    }

    private void refreshIfStale() {
        List<Dropped> dropped;
        synchronized (this) {
            if (refreshed && System.nanoTime() - refreshedAt < refreshEvery.toNanos()) {
                return;
            }
            try {
                dropped = refreshLocked();
            } catch (RuntimeException e) {
                // The agents found last stay in use; the next call after refreshEvery reads again.
                LOG.warn("cannot read the cluster's agents from the state store: {}", e.getMessage());
                refreshedAt = System.nanoTime();
                refreshed = true;
                return;
            }
        }
        end(dropped);
    }

    /** Takes the member out (under the lock); its sandboxes end in {@link #end}, outside it. */
    private Dropped drop(Member m, String why) {
        members.remove(m.id(), m);
        holders.values().removeIf(h -> h.agentId().equals(m.id()));
        return new Dropped(m, why);
    }

    /**
     * Ends what the dropped links knew, outside the directory's lock: the sandboxes' ends run the jobs' completions
     * on this thread, and those may call the directory (or wait for a thread that does).
     */
    private static void end(List<Dropped> dropped) {
        for (Dropped d : dropped) {
            LOG.warn("{}: ending the sandboxes this control plane knew there", d.why());
            d.member().link.lost(d.why());
            d.member().link.close();
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Releases the links; the agents and their sandboxes go on. */
    @Override
    public synchronized void close() {
        closed = true;
        members.values().forEach(m -> m.link.close());
        members.clear();
        holders.clear();
    }
}
