package dev.mags.agent;

import dev.mags.agent.image.ImageStore;
import dev.mags.agent.network.NetworkReaper;
import dev.mags.agent.pool.WarmPool;
import dev.mags.agent.reconcile.Reconciler;
import dev.mags.agent.rootfs.TmpfsDirs;
import dev.mags.agent.sandbox.CleanupStack;
import dev.mags.agent.sandbox.Container;
import dev.mags.agent.sandbox.ContainerBuilder;
import dev.mags.agent.sandbox.ContainerGoneException;
import dev.mags.agent.sandbox.ContainerSpec;
import dev.mags.agent.sandbox.ExecLauncher;
import dev.mags.agent.sandbox.LocalSandbox;
import dev.mags.agent.sandbox.SandboxSettings;
import dev.mags.agent.sandbox.SandboxShape;
import dev.mags.agent.disk.DiskSpaceMeter;
import dev.mags.agent.disk.Resize2fs;
import dev.mags.agent.sandbox.AfterCommand;
import dev.mags.agent.rootfs.NosuidBind;
import dev.mags.agent.workspace.BaseCache;
import dev.mags.agent.workspace.LiveWorkspace;
import dev.mags.agent.workspace.WorkspaceBackup;
import dev.mags.agent.workspace.WorkspaceDisks;
import dev.mags.protocol.v1.BaseLayer;
import dev.mags.protocol.v1.StoredWorkspace;
import dev.mags.protocol.v1.StoredWorkspaceInfo;
import dev.mags.protocol.v1.SyncProgress;
import dev.mags.protocol.v1.SyncResult;
import dev.mags.protocol.v1.Agent;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.CommandGate;
import dev.mags.protocol.v1.HostUsage;
import dev.mags.protocol.v1.ImageInfo;
import dev.mags.protocol.v1.OutputListener;
import dev.mags.protocol.v1.ReconcileReport;
import dev.mags.protocol.v1.RunningSandbox;
import dev.mags.protocol.v1.SandboxLimits;
import dev.mags.protocol.v1.SandboxSpec;
import dev.mags.protocol.v1.WorkspaceInfo;
import dev.mags.protocol.v1.WorkspaceRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent of this host. Each sandbox is an OCI container on an overlay of a base image, with its
 * own loop-mounted disk, whose init waits; a job's command runs in it with {@code runc exec}, and when
 * the command ends the container is torn down. Containers of the shapes in the warm pool are created
 * in advance, so such a job only pays for the exec. Reconcile reaps what earlier runs left behind.
 */
public final class LocalAgent implements Agent {
    private static final Logger log = LoggerFactory.getLogger(LocalAgent.class);
    /** Beyond the stop grace: time for SIGKILL, runtime delete, unmount and directory removal. */
    private static final Duration CLOSE_MARGIN = Duration.ofSeconds(30);
    /** Prefix of warm pool members' container ids; the rest is random. */
    static final String POOL_ID_PREFIX = "warm-";

    private final AgentConfig config;
    private final ImageStore images;
    private final ContainerBuilder builder;
    /** The host's inotify limits for root, kept above every sandbox's share. */
    private final HostInotifyLimits hostInotify;
    private final ExecLauncher execs;
    private final Reconciler reconciler;
    private final TmpfsDirs tmpfs;
    private final NetworkReaper networkReaper;
    private final WarmPool<Container> pool;
    private final ScheduledExecutorService timers;
    /** Sandbox ids being launched or running; reserved before launching so two launches of one id cannot race. */
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    /** Container ids this agent holds: being built, pooled, or running a job. Reconcile spares them. */
    private final Set<String> containers = ConcurrentHashMap.newKeySet();
    /** Building takes the read side, reconcile the write side: reconcile never sees a half-built container of ours. */
    private final ReadWriteLock building = new ReentrantReadWriteLock();
    private final Map<String, LocalSandbox> live = new ConcurrentHashMap<>();
    private final WorkspaceDisks workspaces;
    private final DiskSpaceMeter diskSpace;
    /** Workspace storage; null when this agent has none (stored workspaces are refused then). */
    private final WorkspaceBackup backup;
    /** Restored bases, held by the containers built on them (none without storage). */
    private final BaseCache bases;
    /** Workspaces whose sandbox is up, by workspace key. */
    private final Map<String, LiveWorkspace> liveWorkspaces = new ConcurrentHashMap<>();
    /** Per workspace key: launches, ends, syncs at rest and resizes of one workspace go one at a time. */
    private final Map<String, Object> workspaceMonitors = new ConcurrentHashMap<>();
    /** Syncs at rest in progress, by workspace key (a live workspace reports its own). */
    private final Map<String, SyncProgress> restingSyncs = new ConcurrentHashMap<>();
    private volatile boolean closing;

    /** An agent on this host. Checks first that it runs as root and that the programs it needs are there. */
    public LocalAgent(AgentConfig config) {
        this(config, (WorkspaceBackup) null);
    }

    /** An agent with workspace storage (null for none). Checks the host first, as above. */
    public LocalAgent(AgentConfig config, WorkspaceBackup backup) {
        this(checked(config), HostAccess.system(), backup);
    }

    /** An agent on {@code host} without the precondition checks; for tests with a fake host. */
    LocalAgent(AgentConfig config, HostAccess host) {
        this(config, host, null);
    }

    LocalAgent(AgentConfig config, HostAccess host, WorkspaceBackup backup) {
        this.config = Objects.requireNonNull(config, "config");
        // First, so that an agent that cannot make room refuses to start before it mounts anything.
        this.hostInotify = host.inotifyLimits(config);
        hostInotify.roomFor(Math.max(1, config.warmPool().active().stream().mapToInt(WarmPoolConfig.Entry::size).sum()));
        this.backup = backup;
        this.images = new ImageStore(config.imagesDir());
        this.tmpfs = TmpfsDirs.forAgent(host.mount(), config.sandboxesDir(), config.idMapping().start(), config.runtimeRoot(),
                config.dataDir());
        tmpfs.ensure();
        this.workspaces = new WorkspaceDisks(config.workspacesDir(), config.sandboxesDir(), host.disk(config.diskTemplatesDir()),
                new Resize2fs(host.runner()));
        this.diskSpace = new DiskSpaceMeter(config.sandboxDisksDir());
        this.bases = backup == null ? BaseCache.none()
                : new BaseCache(backup.basesDir(), backup::restoreBase, workspaces, new NosuidBind(host.mount()));
        SandboxSettings settings = new SandboxSettings(config.sandboxesDir(), config.sandboxDisksDir(), config.cgroupParent(),
                config.hostname(), config.stopGrace(), config.initBinary(), host.cgroups().hasSwapAccounting(),
                config.idMapping(), config.openFiles());
        this.builder = new ContainerBuilder(settings, host.runc(config), host.mount(), host.disk(config.diskTemplatesDir()), host.cgroups(),
                host.network(config), host.userNamespaces(config));
        this.networkReaper = host.networkReaper();
        this.execs = new ExecLauncher(host.runc(config));
        this.reconciler = new Reconciler(host.runc(config), host.mount(), host.losetup(), host.cgroups(),
                config.cgroupParent(), config.sandboxesDir(), config.sandboxDisksDir(), config.workspacesDir());
        this.timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sandbox-timeouts").daemon().factory());
        Map<SandboxShape, Integer> targets = new LinkedHashMap<>();
        config.warmPool().active().forEach(e -> targets.put(new SandboxShape(e.image(), e.limits(), e.network()), e.size()));
        this.pool = new WarmPool<>(targets, config.warmPool().fillConcurrency(), this::buildPoolMember, this::usable,
                this::discard);
        builder.prepareAhead();
        pool.start();
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
        return pool;
    }

    @Override
    public List<ImageInfo> images() {
        return images.list();
    }

    @Override
    public RunningSandbox launch(SandboxSpec spec, OutputListener output) {
        return launch(spec, output, CommandGate.OPEN);
    }

    @Override
    public RunningSandbox launch(SandboxSpec spec, OutputListener output, CommandGate gate) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(gate, "gate");
        String id = spec.sandboxId();
        if (closing) {
            throw new AgentException(AgentErrorCode.SHUTTING_DOWN, "the agent is shutting down; sandbox " + id + " not started");
        }
        validate(spec);
        if (!ids.add(id)) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, "sandbox " + id + " is already running on this agent");
        }
        LocalSandbox sandbox;
        try {
            SandboxShape shape = new SandboxShape(spec.image(), spec.limits(), spec.network());
            if (spec.workspace() != null) {
                sandbox = launchInWorkspace(id, shape, spec, output, gate);
            } else if (spec.base() != null) {
                sandbox = start(build(id, shape, null, spec.base()), spec, output, gate);
            } else {
                sandbox = launchShared(id, shape, spec, output, gate);
            }
        } catch (RuntimeException e) {
            ids.remove(id);
            throw e;
        }
        live.put(id, sandbox);
        sandbox.supervise(spec.timeout(), config.stopGrace(), timers, this::released);
        if (closing) {
            sandbox.shutdown(config.stopGrace()); // close() ran while we launched; it may have missed us
        }
        return sandbox;
    }

    /** A sandbox from the warm pool if it has one of this shape, else built for the job. */
    private LocalSandbox launchShared(String id, SandboxShape shape, SandboxSpec spec, OutputListener output,
            CommandGate gate) {
        Optional<Container> warm = pool.take(shape);
        try {
            return start(warm.orElseGet(() -> build(id, shape, null, null)), spec, output, gate);
        } catch (ContainerGoneException e) {
            if (warm.isEmpty()) {
                throw e;
            }
            // The pool member died after the pool checked it: not the job's fault, so run it cold.
            log.info("sandbox {}: pool member {} died before its command started; building a container", id,
                    warm.get().id());
            return start(build(id, shape, null, null), spec, output, gate);
        }
    }

    /**
     * A workspace's sandbox is built cold (its writable layer is the workspace's disk, restored from
     * storage first when this host has no copy) or, when it is up already, runs the command in it.
     */
    private LocalSandbox launchInWorkspace(String id, SandboxShape shape, SandboxSpec spec, OutputListener output,
            CommandGate gate) {
        WorkspaceRef ref = spec.workspace();
        if (ref.stored() != null) {
            requireBackup();
        }
        synchronized (monitor(ref.key())) {
            LiveWorkspace ws = liveWorkspaces.get(ref.key());
            if (ws != null && ws.current() != null) {
                throw new AgentException(AgentErrorCode.WORKSPACE_BUSY, "workspace " + ref.key()
                        + " is in use by another sandbox on this agent");
            }
            if (ws != null && !ws.container().isAlive()) {
                log.info("workspace {}: its kept sandbox has died; starting a new one", ref.key());
                endIdle(ws);
                ws = null;
            }
            boolean again = ws != null;
            if (again) {
                ws.update(ref);
            } else {
                ws = open(id, shape, spec);
            }
            LiveWorkspace opened = ws;
            AfterCommand after = new AfterCommand(ref.keepAlive(), () -> finalSync(opened));
            try {
                LocalSandbox sandbox = execs.start(ws.container(), spec, output, after, again, gate);
                ws.running(sandbox);
                return sandbox;
            } catch (RuntimeException e) {
                closeLive(ws); // the exec launcher released the container
                throw e;
            }
        }
    }

    /** Builds the sandbox of a workspace no sandbox uses: holds it, restores it if needed, builds the container. */
    private LiveWorkspace open(String id, SandboxShape shape, SandboxSpec spec) {
        WorkspaceRef ref = spec.workspace();
        WorkspaceDisks.Hold hold = workspaces.hold(ref);
        try {
            if (ref.stored() != null && !workspaces.exists(ref)) {
                boolean restored = workspaces.restore(ref, shape.limits().diskBytes(), backup);
                log.info("workspace {} ({}): {}", ref.key(), ref.stored(), restored ? "restored from its latest snapshot"
                        : "no snapshot yet, starting empty");
            }
            Container container = build(id, shape, ref, spec.base());
            LiveWorkspace ws = new LiveWorkspace(ref, hold, container);
            liveWorkspaces.put(ref.key(), ws);
            if (backup != null) {
                long period = backup.syncInterval().toMillis();
                ws.periodic(timers.scheduleWithFixedDelay(() -> periodicSync(ws), period, period, TimeUnit.MILLISECONDS));
            }
            return ws;
        } catch (RuntimeException e) {
            hold.close();
            throw e;
        }
    }

    private Object monitor(String key) {
        return workspaceMonitors.computeIfAbsent(key, k -> new Object());
    }

    private WorkspaceBackup requireBackup() {
        if (backup == null) {
            throw new AgentException(AgentErrorCode.STORAGE_FAILED, "this agent has no workspace storage configured");
        }
        return backup;
    }

    private void periodicSync(LiveWorkspace ws) {
        try {
            ws.trySync(backup).ifPresent(r -> log.debug("workspace {} synced: snapshot {}", ws.ref().key(), r.snapshotId()));
        } catch (AgentException e) {
            log.warn("periodic sync of workspace {} failed (its files stay on this host; the next sync retries): {}",
                    ws.ref().key(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("periodic sync of workspace {} failed", ws.ref().key(), e);
        }
    }

    /** The last sync of a stored workspace whose container was just killed; a note for the exit detail if it failed. */
    private String finalSync(LiveWorkspace ws) {
        StoredWorkspace stored = ws.ref().stored();
        if (stored == null || backup == null) {
            return "";
        }
        try {
            ws.sync(backup, stored);
            return "";
        } catch (RuntimeException e) {
            log.warn("final sync of workspace {} failed; its files stay on this host: {}", ws.ref().key(), e.getMessage());
            ws.finalSyncFailed(e.getMessage());
            return "the final sync failed (the files stay on this host; sync again when storage is back): "
                    + e.getMessage();
        }
    }

    /** Ends an idle live workspace: kills the container, syncs a stored workspace, releases it. */
    private void endIdle(LiveWorkspace ws) {
        ws.container().kill();
        finalSync(ws);
        try {
            ws.container().release();
        } catch (CleanupStack.CleanupException e) {
            log.warn("{} was not fully released: {}; reconcile will remove the rest", ws.container(), e.allMessages());
        } finally {
            closeLive(ws);
        }
    }

    private void closeLive(LiveWorkspace ws) {
        liveWorkspaces.remove(ws.ref().key(), ws);
        forget(ws.container().id());
        ws.close();
    }

    /** A container is released: reconcile may reap its id again, and the base it was built on may go. */
    private void forget(String containerId) {
        containers.remove(containerId);
        bases.release(containerId);
        builder.prepareAhead(); // a sandbox has ended: a quiet moment for the next build's user namespace
    }

    private LocalSandbox start(Container container, SandboxSpec spec, OutputListener output, CommandGate gate) {
        try {
            return execs.start(container, spec, output, AfterCommand.RELEASE, false, gate);
        } catch (RuntimeException e) {
            forget(container.id()); // released by the exec launcher
            throw e;
        }
    }

    private void validate(SandboxSpec spec) {
        String id = spec.sandboxId();
        if (spec.timeout() != null && (spec.timeout().isZero() || spec.timeout().isNegative())) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, "sandbox " + id + ": the timeout must be positive or absent, not "
                    + spec.timeout());
        }
        if (!ImageStore.isValidName(spec.image())) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, "'" + spec.image() + "' is not a valid image name");
        }
        if (images.find(spec.image()).isEmpty()) {
            throw new AgentException(AgentErrorCode.IMAGE_MISSING, "base image '" + spec.image()
                    + "' is not built; build it with: bin/magsd image build " + spec.image());
        }
        ExecLauncher.validate(spec);
    }

    /** A container built for one job, named by its sandbox id; on a workspace's disk and on a base if given. */
    private Container build(String containerId, SandboxShape shape, WorkspaceRef workspace, BaseLayer base) {
        ImageInfo image = images.find(shape.image()).orElseThrow(() -> new AgentException(AgentErrorCode.IMAGE_MISSING,
                "base image '" + shape.image() + "' is not built; build it with: bin/magsd image build " + shape.image()));
        requireShiftedFor(shape.image(), config.idMapping().start());
        building.readLock().lock();
        try {
            if (!containers.add(containerId)) {
                throw new AgentException(AgentErrorCode.INVALID_SPEC, "container " + containerId + " already exists on this agent");
            }
            try {
                roomForInotify();
                Path lower = base == null ? null : bases.acquire(base, containerId, workspace);
                return builder.build(new ContainerSpec(containerId, shape, images.rootfs(shape.image()), image.builtAt(),
                        workspace == null ? null : workspaces.diskFor(workspace), lower));
            } catch (RuntimeException e) {
                forget(containerId); // the builder left nothing behind
                throw e;
            }
        } finally {
            building.readLock().unlock();
        }
    }

    /** Raises the host's inotify limits when the sandboxes held pass what they have room for (rarely: in steps). */
    private void roomForInotify() {
        try {
            hostInotify.roomFor(containers.size());
        } catch (IllegalStateException e) {
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, e.getMessage(), e);
        }
    }

    private Container buildPoolMember(SandboxShape shape) {
        if (closing) {
            throw new AgentException(AgentErrorCode.SHUTTING_DOWN, "the agent is shutting down");
        }
        return build(POOL_ID_PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()),
                shape, null, null);
    }

    /** A pooled container may go to a job while its init waits and its image is the one built now. */
    private boolean usable(Container container) {
        return container.isAlive() && !container.standbyDied() && images.find(container.shape().image())
                .map(i -> i.builtAt().equals(container.imageBuiltAt()))
                .orElse(false);
    }

    private void discard(Container container) {
        try {
            container.release();
        } catch (CleanupStack.CleanupException e) {
            log.warn("{} was not fully released: {}; reconcile will remove the rest", container, e.allMessages());
        } finally {
            forget(container.id());
        }
    }

    /** An image whose files belong to other ids than the sandboxes' root would be read-only and foreign to it. */
    private void requireShiftedFor(String image, long rootId) {
        long offset = images.idOffset(image).orElse(0);
        if (offset != rootId) {
            String builtFor = offset == 0 ? "without a user namespace shift" : "for sandbox root at host uid " + offset;
            throw new AgentException(AgentErrorCode.IMAGE_MISSING, "base image '" + image + "' was built " + builtFor
                    + ", but this agent runs sandbox root as host uid " + rootId + "; rebuild it with: bin/magsd image build "
                    + image);
        }
    }

    private void released(LocalSandbox sandbox) {
        live.remove(sandbox.sandboxId());
        LiveWorkspace ws = liveWorkspaces.values().stream().filter(w -> w.container() == sandbox.container())
                .findFirst().orElse(null);
        if (ws != null && sandbox.kept()) {
            ws.running(null); // the container stays for the workspace's next command
        } else if (ws != null) {
            closeLive(ws);
        } else {
            forget(sandbox.containerId());
        }
        ids.remove(sandbox.sandboxId());
    }

    @Override
    public List<WorkspaceInfo> workspaces() {
        return workspaces.list().stream()
                .map(w -> new WorkspaceInfo(w.key(), w.diskBytes(), w.usedBytes(), liveWorkspaces.containsKey(w.key())))
                .toList();
    }

    @Override
    public void deleteWorkspace(String key) {
        synchronized (monitor(key)) {
            if (liveWorkspaces.containsKey(key)) {
                throw new AgentException(AgentErrorCode.WORKSPACE_BUSY, "workspace " + key + " has a live sandbox; end it first");
            }
            workspaces.delete(new WorkspaceRef(key));
            bases.sweep(); // a fork's base goes with its last fork
        }
    }

    @Override
    public SyncResult syncWorkspace(String key, StoredWorkspace stored) {
        WorkspaceBackup storage = requireBackup();
        LiveWorkspace ws = liveWorkspaces.get(key);
        if (ws != null) {
            try {
                return ws.sync(storage, ws.ref().stored() != null ? ws.ref().stored() : stored);
            } catch (AgentException e) {
                if (e.code() != AgentErrorCode.NOT_FOUND || !ws.ended()) {
                    throw e;
                }
                // it ended while we asked: sync what it left on the disk
            }
        }
        synchronized (monitor(key)) {
            try {
                return workspaces.syncAtRest(new WorkspaceRef(key, stored, false), storage, p -> restingSyncs.put(key, p));
            } finally {
                restingSyncs.remove(key);
            }
        }
    }

    @Override
    public Optional<SyncProgress> syncProgress(String key) {
        LiveWorkspace ws = liveWorkspaces.get(key);
        Optional<SyncProgress> live = ws == null ? Optional.empty() : ws.progress();
        return live.isPresent() ? live : Optional.ofNullable(restingSyncs.get(key));
    }

    @Override
    public Optional<SyncResult> endWorkspaceSandbox(String key) {
        synchronized (monitor(key)) {
            LiveWorkspace ws = liveWorkspaces.get(key);
            if (ws == null) {
                return Optional.empty();
            }
            LocalSandbox running = ws.current();
            if (running != null) {
                running.stop(config.stopGrace()); // its end kills the container, syncs and releases it
                running.exit().join();
            } else {
                endIdle(ws);
            }
            if (ws.finalSyncFailure() != null) {
                throw new AgentException(AgentErrorCode.STORAGE_FAILED, "the sandbox of workspace " + key + " has ended, but "
                        + "the final sync failed (the files stay on this host; sync again when storage is back): "
                        + ws.finalSyncFailure());
            }
            return Optional.ofNullable(ws.lastSync());
        }
    }

    @Override
    public void resizeWorkspace(String key, long diskBytes) {
        synchronized (monitor(key)) {
            if (liveWorkspaces.containsKey(key)) {
                throw new AgentException(AgentErrorCode.WORKSPACE_BUSY, "workspace " + key + " has a live sandbox; end it first");
            }
            workspaces.resize(new WorkspaceRef(key), diskBytes);
        }
    }

    @Override
    public HostUsage usage() {
        Map<String, SandboxLimits> sandboxes = new HashMap<>();
        List<Path> liveDisks = new ArrayList<>();
        for (LiveWorkspace ws : liveWorkspaces.values()) {
            sandboxes.put(ws.ref().key(), ws.container().shape().limits());
            liveDisks.add(workspaces.diskImage(ws.ref()));
        }
        return new HostUsage(diskSpace.freeBytes(), diskSpace.growableBytes(liveDisks), sandboxes);
    }

    @Override
    public List<StoredWorkspaceInfo> storedWorkspaces(String owner) {
        return requireBackup().list(owner).stream().map(w -> w.withBaseCopyBytes(bases.bytes(w.workspace()))).toList();
    }

    @Override
    public Optional<String> latestSnapshot(StoredWorkspace workspace) {
        return requireBackup().latest(workspace);
    }

    @Override
    public void deleteStoredWorkspace(StoredWorkspace workspace) {
        requireBackup().delete(workspace);
    }

    /**
     * Also keeps every sandbox this agent itself holds (pooled, being built or running), whatever
     * {@code keep} says; a kept sandbox id keeps the pool member it was handed to.
     */
    @Override
    public ReconcileReport reconcile(Set<String> keep) {
        building.writeLock().lock();
        try {
            Set<String> spared = new HashSet<>(keep);
            spared.addAll(ids);
            spared.addAll(containers);
            // Network helpers first: they hold their sandbox's directory and namespace.
            ReconcileReport network = networkReaper.reap(config.sandboxesDir(), spared);
            ReconcileReport containers = reconciler.reconcile(spared);
            ReconcileReport report = new ReconcileReport(
                    java.util.stream.Stream.concat(network.reapedSandboxIds().stream(), containers.reapedSandboxIds().stream())
                            .distinct().sorted().toList(),
                    java.util.stream.Stream.concat(network.problems().stream(), containers.problems().stream()).toList());
            if (!report.reapedSandboxIds().isEmpty() || !report.problems().isEmpty()) {
                log.info("reconcile reaped {}; problems: {}", report.reapedSandboxIds(), report.problems());
            }
            bases.reconcile();
            return report;
        } finally {
            building.writeLock().unlock();
        }
    }

    /**
     * Stops refilling the warm pool and releases its sandboxes, stops every running sandbox (SIGTERM,
     * SIGKILL after the stop grace) and waits, bounded, until each is released.
     */
    @Override
    public void close() {
        closing = true;
        List<LocalSandbox> running = List.copyOf(live.values());
        running.forEach(s -> s.shutdown(config.stopGrace()));
        // Idle sandboxes of persistent workspaces end too, each after its final sync.
        List<CompletableFuture<?>> idleEnds = liveWorkspaces.values().stream()
                .filter(ws -> ws.current() == null)
                .map(ws -> CompletableFuture.runAsync(() -> endIdle(ws),
                        r -> Thread.ofVirtual().name("end-" + ws.ref().key()).start(r)))
                .collect(java.util.stream.Collectors.toList());
        Duration bound = config.stopGrace().plus(CLOSE_MARGIN);
        pool.close(bound);
        List<CompletableFuture<?>> all = new java.util.ArrayList<>(idleEnds);
        running.forEach(s -> all.add(s.exit()));
        CompletableFuture<?>[] exits = all.toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            log.warn("{} sandboxes were not released within {}; reconcile will remove them", live.size(), bound);
        } catch (ExecutionException e) {
            log.warn("a sandbox ended with an error while the agent closed", e);
        } finally {
            timers.shutdownNow();
            builder.close();
            tmpfs.release();
            bases.close();
        }
    }
}
