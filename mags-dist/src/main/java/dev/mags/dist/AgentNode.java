package dev.mags.dist;

import dev.mags.agent.LocalAgent;
import dev.mags.controlplane.metrics.Metrics;
import dev.mags.protocol.v2.ReconcileReport;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.HostUsage;
import dev.mags.protocol.v2.SandboxInfo;
import dev.mags.protocol.v2.WorkspaceInfo;
import dev.mags.wire.Heartbeat;
import dev.mags.wire.server.AgentServer;
import dev.mags.wire.server.SlotLimitedAgent;
import dev.mags.wire.server.Heartbeats;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code magsd agent}: this host's agent, served to the control planes, and its heartbeat.
 * On start it reaps every sandbox an earlier run left and drops its workspace copies (whatever ran here has been, or
 * will be, moved elsewhere; storage has the workspaces); when the control plane answers that it declared this agent
 * lost, it does the same without a restart and heartbeats again as a new incarnation.
 */
final class AgentNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentNode.class);
    static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(2);
    private final Opened opened;
    private final AgentServer server;

    private AgentNode(Opened opened, AgentServer server) {
        this.opened = opened;
        this.server = server;
    }

    static AgentNode start(AgentNodeConfig cfg) throws IOException {
        Opened opened = new Opened();
        try {
            long sandboxGid = cfg.agent().idMapping().start();
            DataDirModes.create(cfg.agent().dataDir(), sandboxGid);
            opened.push(DataDirLock.acquire(cfg.agent().dataDir()));
            SingleNode.secure(cfg.agent().dataDir(), sandboxGid);
            PrometheusMeterRegistry meters = Metrics.newRegistry();
            opened.push(meters::close);
            WorkspaceStorageNode storage = WorkspaceStorageNode.open(cfg.storage(), meters);
            opened.push(storage);
            LocalAgent agent = new LocalAgent(cfg.agent(), storage.backup(), meters);
            opened.push(agent);
            ReconcileReport report = agent.reconcile(Set.of());
            if (!report.reaped().isEmpty()) {
                LOG.info("removed what {} sandboxes of an earlier run left", report.reaped().size());
            }
            report.problems().forEach(p -> LOG.warn("could not clean up: {}", p));
            dropWorkspaceCopies(agent);
            // the limit holds whoever places here: replicas place from heartbeats up to 2 s old
            AgentServer server = AgentServer.start(new SlotLimitedAgent(agent, cfg.slots()), cfg.secret(),
                    cfg.listen().host(), cfg.listen().port(),
                    cfg.tls());
            // closed after the agent: its sandboxes' ends (AGENT_SHUTDOWN) still reach the control planes
            opened.handOver(agent);
            opened.push(server);
            opened.push(agent);
            Incarnation incarnation = new Incarnation();
            Heartbeats heartbeats = new Heartbeats(cfg.controlPlane(), cfg.secret(), cfg.controlPlaneCa(), HEARTBEAT_EVERY,
                    () -> heartbeat(cfg, agent, incarnation.startedAt), () -> {
                        stopAll(agent);
                        incarnation.startedAt = Instant.now();
                    }).start();
            opened.push(heartbeats);
            LOG.info("magsd agent {} {} serving {} (advertised as {}), heartbeats to {}", cfg.agentId(), Version.current(),
                    cfg.listen(), cfg.advertise(), cfg.controlPlane());
            // its listening sockets must not outlive it in a process it was starting when it was killed
            dev.mags.agent.process.CloseOnExec.markSockets();
            return new AgentNode(opened, server);
        } catch (RuntimeException | IOException e) {
            opened.closeAfter(e);
            throw e;
        }
    }

    int port() {
        return server.port();
    }

    /** When this agent (re)joined the cluster with nothing running: a new value is a new incarnation. */
    private static final class Incarnation {
        volatile Instant startedAt = Instant.now();
    }

    private static Heartbeat heartbeat(AgentNodeConfig cfg, LocalAgent agent, Instant startedAt) {
        List<SandboxInfo> sandboxes = agent.sandboxes();
        HostMemory memory = HostMemory.read();
        Long diskFree = null;
        Long diskGrowable = null;
        try {
            HostUsage usage = agent.usage();
            diskFree = usage.diskFreeBytes();
            diskGrowable = usage.diskGrowableBytes();
        } catch (RuntimeException e) {
            LOG.warn("cannot read the disk room for the heartbeat (placement does without it): {}", e.toString());
        }
        return new Heartbeat(cfg.agentId(), cfg.advertise(), cfg.slots(), sandboxes.size(), memory.totalBytes(),
                memory.availableBytes(), agent.workspaces().stream().map(WorkspaceInfo::key).toList(), startedAt,
                diskFree, diskGrowable);
    }

    /** Fencing: stops every sandbox without its final sync (a newer copy runs elsewhere) and waits for the ends. */
    private static void stopAll(LocalAgent agent) {
        List<CompletableFuture<SandboxEnd>> ends = new ArrayList<>();
        for (SandboxInfo info : agent.sandboxes()) {
            agent.sandbox(info.id()).map(s -> s.stop(Duration.ofSeconds(1), false)).ifPresent(ends::add);
        }
        try {
            CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("not every sandbox stopped within 60 s: {}", e.toString());
        }
        LOG.info("stopped {} sandboxes", ends.size());
        dropWorkspaceCopies(agent);
    }

    /**
     * Removes the workspace disks kept here: after a restart or a loss, a copy may be older than the workspace's
     * latest snapshot (its sandbox ran on elsewhere meanwhile), so the next sandbox restores it from storage.
     */
    private static void dropWorkspaceCopies(LocalAgent agent) {
        for (WorkspaceInfo copy : agent.workspaces()) {
            try {
                agent.deleteWorkspace(copy.key());
            } catch (RuntimeException e) {
                LOG.warn("could not remove the copy of workspace {}: {}", copy.key(), e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        LOG.info("magsd agent shutting down");
        opened.close();
        LOG.info("magsd agent stopped");
    }

}
