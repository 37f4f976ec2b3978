package dev.mags.agent;

import dev.mags.agent.image.ImageStore;
import dev.mags.agent.reconcile.Reconciler;
import dev.mags.agent.sandbox.LocalSandbox;
import dev.mags.agent.sandbox.SandboxLauncher;
import dev.mags.agent.sandbox.SandboxSettings;
import dev.mags.protocol.v1.Agent;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.ImageInfo;
import dev.mags.protocol.v1.OutputListener;
import dev.mags.protocol.v1.ReconcileReport;
import dev.mags.protocol.v1.RunningSandbox;
import dev.mags.protocol.v1.SandboxSpec;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent of this host: runs each sandbox as an OCI container ({@code runc run} in the foreground)
 * on an overlay of a base image, and reaps what earlier runs left behind.
 */
public final class LocalAgent implements Agent {
    private static final Logger log = LoggerFactory.getLogger(LocalAgent.class);
    /** Beyond the stop grace: time for SIGKILL, runtime delete, unmount and directory removal. */
    private static final Duration CLOSE_MARGIN = Duration.ofSeconds(30);

    private final AgentConfig config;
    private final ImageStore images;
    private final SandboxLauncher launcher;
    private final Reconciler reconciler;
    private final ScheduledExecutorService timers;
    /** Ids being launched or running; reserved before launching so two launches of one id cannot race. */
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final Map<String, LocalSandbox> live = new ConcurrentHashMap<>();
    private volatile boolean closing;

    /** An agent on this host. Checks first that it runs as root and that the runtime can be run. */
    public LocalAgent(AgentConfig config) {
        this(checked(config), HostAccess.system());
    }

    /** An agent on {@code host} without the precondition checks; for tests with a fake host. */
    LocalAgent(AgentConfig config, HostAccess host) {
        this.config = Objects.requireNonNull(config, "config");
        this.images = new ImageStore(config.imagesDir());
        SandboxSettings settings = new SandboxSettings(config.sandboxesDir(), config.cgroupParent(),
                config.hostname(), config.pidsLimit(), config.stopGrace(), config.idMapping());
        this.launcher = new SandboxLauncher(settings, host.runc(config), host.mount(), host.cgroups());
        this.reconciler = new Reconciler(host.runc(config), host.mount(), host.cgroups(), config.cgroupParent(),
                config.sandboxesDir());
        this.timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sandbox-timeouts").daemon().factory());
    }

    private static AgentConfig checked(AgentConfig config) {
        HostPreconditions.check(config, HostAccess.system().runner());
        return config;
    }

    public AgentConfig config() {
        return config;
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
        requireShiftedFor(spec.image(), config.idMapping().start());
        if (!ids.add(id)) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, "sandbox " + id + " is already running on this agent");
        }
        LocalSandbox sandbox;
        try {
            sandbox = launcher.launch(spec, images.rootfs(spec.image()), output);
        } catch (RuntimeException e) {
            ids.remove(id); // the launcher left nothing behind
            throw e;
        }
        live.put(id, sandbox);
        sandbox.supervise(spec.timeout(), config.stopGrace(), timers, this::released);
        if (closing) {
            sandbox.shutdown(config.stopGrace()); // close() ran while we launched; it may have missed us
        }
        return sandbox;
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
        ids.remove(sandbox.sandboxId());
    }

    /** Also keeps every sandbox this agent itself is running, whatever {@code keep} says. */
    @Override
    public ReconcileReport reconcile(Set<String> keep) {
        Set<String> spared = new HashSet<>(keep);
        spared.addAll(ids);
        ReconcileReport report = reconciler.reconcile(spared);
        if (!report.reapedSandboxIds().isEmpty() || !report.problems().isEmpty()) {
            log.info("reconcile reaped {}; problems: {}", report.reapedSandboxIds(), report.problems());
        }
        return report;
    }

    /** Stops every sandbox (SIGTERM, SIGKILL after the stop grace) and waits, bounded, until each is released. */
    @Override
    public void close() {
        closing = true;
        List<LocalSandbox> running = List.copyOf(live.values());
        running.forEach(s -> s.shutdown(config.stopGrace()));
        CompletableFuture<?>[] exits = running.stream().map(LocalSandbox::exit).toArray(CompletableFuture[]::new);
        Duration bound = config.stopGrace().plus(CLOSE_MARGIN);
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
