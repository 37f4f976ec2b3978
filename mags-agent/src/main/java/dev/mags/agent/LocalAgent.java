package dev.mags.agent;

import dev.mags.agent.image.ImageStore;
import dev.mags.agent.network.NetworkReaper;
import dev.mags.agent.pool.WarmPool;
import dev.mags.agent.reconcile.Reconciler;
import dev.mags.agent.sandbox.CleanupStack;
import dev.mags.agent.sandbox.Container;
import dev.mags.agent.sandbox.ContainerBuilder;
import dev.mags.agent.sandbox.ContainerGoneException;
import dev.mags.agent.sandbox.ContainerSpec;
import dev.mags.agent.sandbox.ExecLauncher;
import dev.mags.agent.sandbox.LocalSandbox;
import dev.mags.agent.sandbox.SandboxSettings;
import dev.mags.agent.sandbox.SandboxShape;
import dev.mags.agent.workspace.WorkspaceDisks;
import dev.mags.protocol.v1.Agent;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.ImageInfo;
import dev.mags.protocol.v1.OutputListener;
import dev.mags.protocol.v1.ReconcileReport;
import dev.mags.protocol.v1.RunningSandbox;
import dev.mags.protocol.v1.SandboxSpec;
import dev.mags.protocol.v1.WorkspaceInfo;
import dev.mags.protocol.v1.WorkspaceRef;
import java.nio.file.Path;
import java.time.Duration;
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
    private final ExecLauncher execs;
    private final Reconciler reconciler;
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
    /** Workspaces held by running sandboxes, by sandbox id; given back when the sandbox is released. */
    private final Map<String, WorkspaceDisks.Hold> workspaceHolds = new ConcurrentHashMap<>();
    private volatile boolean closing;

    /** An agent on this host. Checks first that it runs as root and that the programs it needs are there. */
    public LocalAgent(AgentConfig config) {
        this(checked(config), HostAccess.system());
    }

    /** An agent on {@code host} without the precondition checks; for tests with a fake host. */
    LocalAgent(AgentConfig config, HostAccess host) {
        this.config = Objects.requireNonNull(config, "config");
        this.images = new ImageStore(config.imagesDir());
        this.workspaces = new WorkspaceDisks(config.workspacesDir());
        SandboxSettings settings = new SandboxSettings(config.sandboxesDir(), config.cgroupParent(),
                config.hostname(), config.stopGrace(), config.initBinary(), host.cgroups().hasSwapAccounting(),
                config.idMapping());
        this.builder = new ContainerBuilder(settings, host.runc(config), host.mount(), host.disk(), host.cgroups(),
                host.network(config));
        this.networkReaper = host.networkReaper();
        this.execs = new ExecLauncher(host.runc(config));
        this.reconciler = new Reconciler(host.runc(config), host.mount(), host.losetup(), host.cgroups(),
                config.cgroupParent(), config.sandboxesDir(), config.workspacesDir());
        this.timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sandbox-timeouts").daemon().factory());
        Map<SandboxShape, Integer> targets = new LinkedHashMap<>();
        config.warmPool().active().forEach(e -> targets.put(new SandboxShape(e.image(), e.limits(), e.network()), e.size()));
        this.pool = new WarmPool<>(targets, config.warmPool().fillConcurrency(), this::buildPoolMember, this::usable,
                this::discard);
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
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(output, "output");
        String id = spec.sandboxId();
        if (closing) {
            throw new AgentException(AgentErrorCode.SHUTTING_DOWN, "the agent is shutting down; sandbox " + id + " not started");
        }
        validate(spec);
        if (!ids.add(id)) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, "sandbox " + id + " is already running on this agent");
        }
        LocalSandbox sandbox;
        WorkspaceDisks.Hold hold = null;
        try {
            SandboxShape shape = new SandboxShape(spec.image(), spec.limits(), spec.network());
            if (spec.workspace() != null) {
                // A workspace's sandbox is built cold: its writable layer is the workspace's disk.
                hold = workspaces.hold(spec.workspace());
                Path disk = workspaces.diskImage(spec.workspace());
                sandbox = start(build(id, shape, disk), spec, output);
            } else {
                sandbox = launchShared(id, shape, spec, output);
            }
        } catch (RuntimeException e) {
            if (hold != null) {
                hold.close();
            }
            ids.remove(id);
            throw e;
        }
        if (hold != null) {
            workspaceHolds.put(id, hold);
        }
        live.put(id, sandbox);
        sandbox.supervise(spec.timeout(), config.stopGrace(), timers, this::released);
        if (closing) {
            sandbox.shutdown(config.stopGrace()); // close() ran while we launched; it may have missed us
        }
        return sandbox;
    }

    /** A sandbox from the warm pool if it has one of this shape, else built for the job. */
    private LocalSandbox launchShared(String id, SandboxShape shape, SandboxSpec spec, OutputListener output) {
        Optional<Container> warm = pool.take(shape);
        try {
            return start(warm.orElseGet(() -> build(id, shape, null)), spec, output);
        } catch (ContainerGoneException e) {
            if (warm.isEmpty()) {
                throw e;
            }
            // The pool member died after the pool checked it: not the job's fault, so run it cold.
            log.info("sandbox {}: pool member {} died before its command started; building a container", id,
                    warm.get().id());
            return start(build(id, shape, null), spec, output);
        }
    }

    private LocalSandbox start(Container container, SandboxSpec spec, OutputListener output) {
        try {
            return execs.start(container, spec, output);
        } catch (RuntimeException e) {
            containers.remove(container.id()); // released by the exec launcher
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

    /** A container built for one job, named by its sandbox id. */
    private Container build(String containerId, SandboxShape shape, Path workspaceDisk) {
        ImageInfo image = images.find(shape.image()).orElseThrow(() -> new AgentException(AgentErrorCode.IMAGE_MISSING,
                "base image '" + shape.image() + "' is not built; build it with: bin/magsd image build " + shape.image()));
        requireShiftedFor(shape.image(), config.idMapping().start());
        building.readLock().lock();
        try {
            if (!containers.add(containerId)) {
                throw new AgentException(AgentErrorCode.INVALID_SPEC, "container " + containerId + " already exists on this agent");
            }
            try {
                return builder.build(new ContainerSpec(containerId, shape, images.rootfs(shape.image()), image.builtAt(),
                        workspaceDisk));
            } catch (RuntimeException e) {
                containers.remove(containerId); // the builder left nothing behind
                throw e;
            }
        } finally {
            building.readLock().unlock();
        }
    }

    private Container buildPoolMember(SandboxShape shape) {
        if (closing) {
            throw new AgentException(AgentErrorCode.SHUTTING_DOWN, "the agent is shutting down");
        }
        return build(POOL_ID_PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()), shape, null);
    }

    /** A pooled container may go to a job while its init waits and its image is the one built now. */
    private boolean usable(Container container) {
        return container.isAlive() && images.find(container.shape().image())
                .map(i -> i.builtAt().equals(container.imageBuiltAt()))
                .orElse(false);
    }

    private void discard(Container container) {
        try {
            container.release();
        } catch (CleanupStack.CleanupException e) {
            log.warn("{} was not fully released: {}; reconcile will remove the rest", container, e.allMessages());
        } finally {
            containers.remove(container.id());
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
        containers.remove(sandbox.containerId());
        WorkspaceDisks.Hold hold = workspaceHolds.remove(sandbox.sandboxId());
        if (hold != null) {
            hold.close();
        }
        ids.remove(sandbox.sandboxId());
    }

    @Override
    public List<WorkspaceInfo> workspaces() {
        return workspaces.list();
    }

    @Override
    public void deleteWorkspace(String key) {
        workspaces.delete(new WorkspaceRef(key));
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
        Duration bound = config.stopGrace().plus(CLOSE_MARGIN);
        pool.close(bound);
        CompletableFuture<?>[] exits = running.stream().map(LocalSandbox::exit).toArray(CompletableFuture[]::new);
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
        }
    }
}
