package dev.mags.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.mags.agent.disk.DiskSpaceMeter;
import dev.mags.agent.disk.Resize2fs;
import dev.mags.agent.files.RootedFiles;
import dev.mags.agent.image.ImageStore;
import dev.mags.agent.pool.WarmPool;
import dev.mags.agent.process.OrphanReaper;
import dev.mags.agent.reconcile.Reconciler;
import dev.mags.agent.rootfs.NosuidBind;
import dev.mags.agent.rootfs.TmpfsDirs;
import dev.mags.agent.sandbox.Container;
import dev.mags.agent.sandbox.ContainerBuilder;
import dev.mags.agent.sandbox.ExecLauncher;
import dev.mags.agent.sandbox.LocalSandbox;
import dev.mags.agent.sandbox.SandboxHooks;
import dev.mags.agent.sandbox.SandboxSettings;
import dev.mags.agent.sandbox.SandboxShape;
import dev.mags.agent.workspace.BaseCache;
import dev.mags.agent.workspace.LiveWorkspace;
import dev.mags.agent.workspace.WorkspaceBackup;
import dev.mags.agent.workspace.WorkspaceDisks;
import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.BaseCopy;
import dev.mags.protocol.v2.HostUsage;
import dev.mags.protocol.v2.ImageInfo;
import dev.mags.protocol.v2.ReconcileReport;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxInfo;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.SyncProgress;
import dev.mags.protocol.v2.SyncResult;
import dev.mags.protocol.v2.WorkspaceInfo;
import dev.mags.protocol.v2.WorkspaceKey;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent of this host. Each sandbox is an OCI container on an overlay of a base image, with its own
 * loop-mounted disk (or its workspace's), whose init waits; processes run in it with {@code runc exec}, the first
 * one handed to the init's standby shell. Containers of the shapes in the warm pool are created in advance.
 * This class composes what it holds: the containers ({@link Containers}), the sandboxes ({@link SandboxRegistry}),
 * the workspace disks and their sandboxes ({@link WorkspaceSandboxes}); reconcile ({@link Leftovers}) reaps what
 * earlier runs left.
 */
public final class LocalAgent implements Agent {
    private static final Logger log = LoggerFactory.getLogger(LocalAgent.class);
    /** Beyond the stop grace: time for SIGKILL, final syncs, runtime delete, unmount and directory removal. */
    private static final Duration CLOSE_MARGIN = Duration.ofSeconds(30);
    /** How often the agent looks for sandboxes whose init died by itself. */
    private static final Duration ALIVE_CHECK = Duration.ofSeconds(1);
    /** How long the close waits for the released sandboxes' last processes to end, so that it can reap them. */
    private static final Duration ORPHANS_DRAIN = Duration.ofSeconds(5);

    private final AgentConfig config;
    private final ImageStore images;
    private final ExecLauncher execs;
    private final Leftovers leftovers;
    private final TmpfsDirs tmpfs;
    private final ScheduledExecutorService timers;
    private final DiskSpaceMeter diskSpace;
    private final BaseCache bases;
    private final Containers containers;
    private final SandboxRegistry registry = new SandboxRegistry();
    private final WorkspaceSandboxes workspaces;
    private final Optional<OrphanReaper> orphans;
    private volatile boolean closing;

    /** An agent on this host. Checks first that it runs as root and that the programs it needs are there. */
    public LocalAgent(AgentConfig config) {
        this(config, (WorkspaceBackup) null);
    }

    /** An agent with workspace storage (null for none). Checks the host first, as above. */
    public LocalAgent(AgentConfig config, WorkspaceBackup backup) {
        this(config, backup, new SimpleMeterRegistry());
    }

    /** As above, with the warm pool's meters in {@code meters} (the process's registry). */
    public LocalAgent(AgentConfig config, WorkspaceBackup backup, MeterRegistry meters) {
        this(checked(config), HostAccess.system(), backup, meters);
    }

    /** An agent on {@code host} without the precondition checks; for tests with a fake host. */
    LocalAgent(AgentConfig config, HostAccess host) {
        this(config, host, null);
    }

    LocalAgent(AgentConfig config, HostAccess host, WorkspaceBackup backup) {
        this(config, host, backup, new SimpleMeterRegistry());
    }

    LocalAgent(AgentConfig config, HostAccess host, WorkspaceBackup backup, MeterRegistry meters) {
        this.config = Objects.requireNonNull(config, "config");
        // First, so that an agent that cannot make room refuses to start before it mounts anything.
        HostInotifyLimits hostInotify = host.inotifyLimits(config);
        hostInotify.roomFor(Math.max(1, config.warmPool().active().stream().mapToInt(WarmPoolConfig.Entry::size).sum()));
        this.images = new ImageStore(config.imagesDir());
        this.tmpfs = TmpfsDirs.forAgent(host.mount(), config.sandboxesDir(), config.idMapping().start(), config.runtimeRoot(),
                config.dataDir());
        tmpfs.ensure();
        WorkspaceDisks disks = new WorkspaceDisks(config.workspacesDir(), config.sandboxesDir(),
                host.disk(config.diskTemplatesDir()), new Resize2fs(host.runner()));
        this.diskSpace = new DiskSpaceMeter(config.sandboxDisksDir());
        this.bases = backup == null ? BaseCache.none()
                : new BaseCache(backup.basesDir(), backup::restoreBase, disks, new NosuidBind(host.mount()));
        SandboxSettings settings = new SandboxSettings(config.sandboxesDir(), config.sandboxDisksDir(), config.cgroupParent(),
                config.hostname(), config.stopGrace(), config.initBinary(), host.cgroups().hasSwapAccounting(),
                config.idMapping(), config.openFiles());
        ContainerBuilder builder = new ContainerBuilder(settings, host.runc(config), host.mount(),
                host.disk(config.diskTemplatesDir()), host.cgroups(), host.network(config), host.userNamespaces(config));
        this.leftovers = new Leftovers(host.networkReaper(), new Reconciler(host.runc(config), host.mount(), host.losetup(),
                host.cgroups(), config.cgroupParent(), config.sandboxesDir(), config.sandboxDisksDir(), config.workspacesDir()),
                config.sandboxesDir());
        this.timers = Executors.newScheduledThreadPool(2, Thread.ofPlatform().name("sandbox-timers").daemon().factory());
        this.execs = new ExecLauncher(host.runc(config), timers);
        this.workspaces = new WorkspaceSandboxes(disks, backup, bases, timers);
        this.containers = new Containers(config, images, builder, hostInotify, disks, bases, meters);
        // Before the first container: its init is this process's child from the start, reaped here when it ends.
        this.orphans = host.orphanReaper();
        containers.startPool();
        long every = ALIVE_CHECK.toMillis();
        timers.scheduleWithFixedDelay(registry::checkAlive, every, every, TimeUnit.MILLISECONDS);
        orphans.ifPresent(o -> timers.scheduleWithFixedDelay(o::sweep, every, every, TimeUnit.MILLISECONDS));
    }

    private static AgentConfig checked(AgentConfig config) {
        HostPreconditions.check(config, HostAccess.system().runner());
        return config;
    }

    public AgentConfig config() {
        return config;
    }

    /** The warm pool; for tests that wait for it to fill. */
    WarmPool<Container> warmPool() {
        return containers.pool();
    }

    @Override
    public List<ImageInfo> images() {
        return images.list();
    }

    @Override
    public Sandbox create(SandboxSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (closing) {
            throw new AgentException(AgentErrorCode.SHUTTING_DOWN, "the agent is shutting down; sandbox " + spec.id()
                    + " not started");
        }
        containers.requireImage(spec.image());
        ExecLauncher.validate(spec.id().value(), spec.environment(), List.of());
        registry.reserve(spec.id());
        try {
            SandboxShape shape = new SandboxShape(spec.image(), spec.limits(), spec.network());
            LocalSandbox sandbox;
            if (spec.workspace() != null) {
                LiveWorkspace ws = workspaces.open(spec, key -> containers.build(spec.id().value(), shape, key, spec.base()));
                sandbox = sandbox(spec, ws.container(), ws);
            } else if (spec.base() != null) {
                sandbox = sandbox(spec, containers.build(spec.id().value(), shape, null, spec.base()), null);
            } else {
                sandbox = sandbox(spec, containers.warmOrBuilt(spec.id(), shape), null);
            }
            registry.add(sandbox);
            if (closing) {
                sandbox.shutdown(config.stopGrace()); // close() ran while we built; it may have missed this one
            }
            return sandbox;
        } catch (RuntimeException e) {
            registry.unreserve(spec.id());
            throw e;
        }
    }

    private LocalSandbox sandbox(SandboxSpec spec, Container container, LiveWorkspace ws) {
        SandboxHooks hooks = new SandboxHooks() {
            @Override
            public FinalSync beforeRelease(boolean sync) {
                return ws == null ? FinalSync.NONE : workspaces.finish(ws, sync);
            }

            @Override
            public void released(LocalSandbox sandbox) {
                if (ws != null) {
                    workspaces.closed(ws);
                }
                containers.forget(container.id());
                registry.remove(sandbox);
            }
        };
        RootedFiles files = new RootedFiles(container.paths().rootfs(), config.idMapping().start(), config.idMapping().size());
        return new LocalSandbox(spec, container, execs, files, hooks, timers, config.stopGrace());
    }

    @Override
    public Optional<Sandbox> sandbox(SandboxId id) {
        return registry.get(id).map(s -> s);
    }

    @Override
    public List<SandboxInfo> sandboxes() {
        return registry.all().stream().map(LocalSandbox::info).toList();
    }

    @Override
    public List<WorkspaceInfo> workspaces() {
        return workspaces.list();
    }

    @Override
    public void deleteWorkspace(WorkspaceKey key) {
        workspaces.delete(key);
    }

    @Override
    public SyncResult syncWorkspace(WorkspaceKey key, StoredWorkspace stored) {
        return workspaces.sync(key, stored);
    }

    @Override
    public Optional<SyncProgress> syncProgress(WorkspaceKey key) {
        return workspaces.progress(key);
    }

    @Override
    public void resizeWorkspace(WorkspaceKey key, long diskBytes) {
        workspaces.resize(key, diskBytes);
    }

    @Override
    public HostUsage usage() {
        return new HostUsage(diskSpace.freeBytes(), diskSpace.growableBytes(workspaces.liveDisks()), workspaces.liveLimits());
    }

    @Override
    public List<BaseCopy> baseCopies() {
        return bases.list();
    }

    /**
     * Also keeps every sandbox this agent itself holds (pooled, being built or running), whatever {@code keep}
     * says; a kept sandbox id keeps the pool member it was handed to.
     */
    @Override
    public ReconcileReport reconcile(Set<SandboxId> keep) {
        return containers.exclusively(() -> {
            Set<String> spared = new HashSet<>();
            keep.forEach(id -> spared.add(id.value()));
            spared.addAll(registry.ids());
            spared.addAll(containers.held());
            ReconcileReport report = leftovers.reap(spared);
            bases.reconcile();
            return report;
        });
    }

    /**
     * Stops refilling the warm pool and releases its sandboxes, stops every sandbox (SIGTERM, SIGKILL after the
     * stop grace; a stored workspace gets its final sync) and waits, bounded, until each is released.
     */
    @Override
    public void close() {
        closing = true;
        List<CompletableFuture<SandboxEnd>> ends = registry.all().stream().map(s -> s.shutdown(config.stopGrace())).toList();
        Duration bound = config.stopGrace().plus(CLOSE_MARGIN);
        containers.close(bound);
        try {
            CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            log.warn("{} sandboxes were not released within {}; reconcile will remove them", registry.all().size(), bound);
        } catch (ExecutionException e) {
            log.warn("a sandbox ended with an error while the agent closed", e);
        } finally {
            timers.shutdownNow();
            containers.closeBuilder();
            orphans.ifPresent(o -> o.drain(ORPHANS_DRAIN));
            tmpfs.release();
            bases.close();
        }
    }
}
