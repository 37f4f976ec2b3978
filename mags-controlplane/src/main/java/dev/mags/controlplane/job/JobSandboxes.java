package dev.mags.controlplane.job;

import dev.mags.controlplane.placement.AgentDirectory;
import dev.mags.controlplane.placement.LiveSandboxes;
import dev.mags.controlplane.state.JobRecord;
import dev.mags.controlplane.state.WorkspaceRecord;
import dev.mags.controlplane.state.WorkspaceStore;
import dev.mags.controlplane.usage.SandboxUsageRecorder;
import dev.mags.controlplane.workspace.WorkspaceName;
import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.BaseLayer;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.WorkspaceKey;
import dev.mags.protocol.v2.WorkspaceMount;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox a job runs in: its workspace's live sandbox when one stays up (a {@code -p} job's), or a new one,
 * on its workspace's disk (restored from storage when the host has none) and its base, as the job asked.
 */
final class JobSandboxes {
    private static final Logger LOG = LoggerFactory.getLogger(JobSandboxes.class);
    /** Agents tried for one sandbox when they refuse it as full. */
    static final int PLACEMENT_TRIES = 3;

    /** A job's sandbox: whether the job's workspace is synced to storage, whether the sandbox was there before. */
    record Placed(Sandbox sandbox, WorkspaceKey workspace, boolean stored, boolean reused) {}

    private final AgentDirectory agents;
    private final LiveSandboxes live;
    private final WorkspaceStore workspaces;
    private final SandboxUsageRecorder usage;
    /** The sandboxes made for a stored workspace (they sync; the others never do). */
    private final Map<SandboxId, Boolean> storedSandboxes = new ConcurrentHashMap<>();

    JobSandboxes(AgentDirectory agents, LiveSandboxes live, WorkspaceStore workspaces, SandboxUsageRecorder usage) {
        this.usage = usage;
        this.agents = agents;
        this.live = live;
        this.workspaces = workspaces;
    }

    static String workspaceKey(JobRecord job) {
        return new WorkspaceName(job.workspaceId()).agentKey(job.userId());
    }

    /**
     * The job's sandbox. A local sandbox that stays for the workspace serves a job that wants its workspace in
     * storage only after it is replaced by a stored one, on the same disk.
     *
     * @throws dev.mags.protocol.v2.AgentException when no sandbox could be made
     */
    Placed place(JobRecord job) {
        WorkspaceKey key = job.workspaceId() == null ? null : WorkspaceKey.of(workspaceKey(job));
        WorkspaceRecord row = key == null ? null : workspaces.find(job.userId(), job.workspaceId()).orElse(null);
        StoredWorkspace stored = row != null && row.persistent() && !job.noSync()
                ? new StoredWorkspace(job.userId(), job.workspaceId()) : null;
        if (key != null) {
            Optional<Sandbox> kept = live.forWorkspace(key);
            if (kept.isPresent() && (stored == null || storedSandboxes.getOrDefault(kept.get().id(), false))) {
                live.serving(job.id(), key, kept.get().id());
                return new Placed(kept.get(), key, storedSandboxes.getOrDefault(kept.get().id(), false), true);
            }
            if (kept.isPresent()) {
                kept.get().stop(Duration.ZERO, false).join();
                ended(kept.get());
            }
        }
        SandboxSpec spec = spec(job, key, row, stored);
        Sandbox sandbox = create(spec);
        usage.watch(job, sandbox);
        storedSandboxes.put(sandbox.id(), stored != null);
        live.serving(job.id(), key, sandbox.id());
        return new Placed(sandbox, key, stored != null, false);
    }

    /**
     * Creates the sandbox on the agent placement picks; an agent that refuses it as full (another control-plane
     * replica filled it since its last heartbeat) is passed over, up to {@value #PLACEMENT_TRIES} agents.
     */
    private Sandbox create(SandboxSpec spec) {
        for (int attempt = 1; ; attempt++) {
            Agent agent = agents.place(spec);
            try {
                return agent.create(spec);
            } catch (AgentException e) {
                if (e.code() != AgentErrorCode.CAPACITY || attempt == PLACEMENT_TRIES) {
                    throw e;
                }
                agents.full(agent);
                LOG.info("sandbox {}: its agent is full ({}); placing it again", spec.id(), e.getMessage());
            }
        }
    }

    private static SandboxSpec spec(JobRecord job, WorkspaceKey key, WorkspaceRecord row, StoredWorkspace stored) {
        SandboxLimits limits = job.limits();
        if (row != null && row.diskBytes() != null && row.diskBytes() > limits.diskBytes()) {
            // the workspace was resized: its disk is restored at that size
            limits = new SandboxLimits(limits.memoryBytes(), limits.cpuMillis(), row.diskBytes(), limits.pids());
        }
        BaseLayer base = job.baseSnapshot() == null ? null
                : new BaseLayer(new StoredWorkspace(job.userId(), job.baseWorkspaceId()), job.baseSnapshot());
        return new SandboxSpec(SandboxId.of(job.id()), job.image(), limits, NetworkMode.OUTBOUND,
                key == null ? null : new WorkspaceMount(key, stored), base, Map.of());
    }

    /** The sandbox has ended: it serves no job or workspace any more. */
    void ended(Sandbox sandbox) {
        storedSandboxes.remove(sandbox.id());
        live.ended(sandbox.id());
    }
}
