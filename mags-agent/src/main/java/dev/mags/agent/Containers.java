package dev.mags.agent;

import dev.mags.agent.image.ImageStore;
import dev.mags.agent.pool.WarmPool;
import dev.mags.agent.sandbox.CleanupStack;
import dev.mags.agent.sandbox.Container;
import dev.mags.agent.sandbox.ContainerBuilder;
import dev.mags.agent.sandbox.ContainerSpec;
import dev.mags.agent.sandbox.SandboxShape;
import dev.mags.agent.workspace.BaseCache;
import dev.mags.agent.workspace.WorkspaceDisks;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.BaseLayer;
import dev.mags.protocol.v2.ImageInfo;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.WorkspaceKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers this agent holds: built for a sandbox (on a workspace's disk and a base when asked) or ahead of
 * time in the warm pool, each known by its container id until it is released, so that reconcile spares it.
 * Builds take the read side of a lock and reconcile the write side: reconcile never sees a half-built container.
 */
final class Containers {
    private static final Logger log = LoggerFactory.getLogger(Containers.class);
    /** Prefix of warm pool members' container ids; the rest is random. */
    static final String POOL_ID_PREFIX = "warm-";

    private final ImageStore images;
    private final ContainerBuilder builder;
    /** The host's inotify limits for root, kept above every sandbox's share. */
    private final HostInotifyLimits hostInotify;
    private final WorkspaceDisks workspaces;
    private final BaseCache bases;
    private final long rootId;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final ReadWriteLock building = new ReentrantReadWriteLock();
    private final WarmPool<Container> pool;
    private final Counter poolHits;
    private final Counter poolMisses;
    private volatile boolean closing;

    /** @param meters where the warm pool's size and its hits and misses go */
    Containers(AgentConfig config, ImageStore images, ContainerBuilder builder, HostInotifyLimits hostInotify,
            WorkspaceDisks workspaces, BaseCache bases, MeterRegistry meters) {
        this.images = images;
        this.builder = builder;
        this.hostInotify = hostInotify;
        this.workspaces = workspaces;
        this.bases = bases;
        this.rootId = config.idMapping().start();
        Map<SandboxShape, Integer> targets = new LinkedHashMap<>();
        config.warmPool().active().forEach(e -> targets.put(new SandboxShape(e.image(), e.limits(), e.network()), e.size()));
        this.pool = new WarmPool<>(targets, config.warmPool().fillConcurrency(), this::buildPoolMember, this::usable,
                this::discard);
        int target = targets.values().stream().mapToInt(Integer::intValue).sum();
        Gauge.builder("mags.warm.pool.ready", pool, p -> p.pooled().size())
                .description("containers started ahead and ready in the warm pool").register(meters);
        Gauge.builder("mags.warm.pool.target", () -> target)
                .description("containers the warm pool keeps ready, all shapes together").register(meters);
        this.poolHits = takes(meters, "hit");
        this.poolMisses = takes(meters, "miss");
    }

    private static Counter takes(MeterRegistry meters, String result) {
        return Counter.builder("mags.warm.pool.takes").tag("result", result)
                .description("sandboxes of a shape the warm pool keeps: hit, one was ready; miss, one was built")
                .register(meters);
    }

    void startPool() {
        builder.prepareAhead();
        pool.start();
    }

    WarmPool<Container> pool() {
        return pool;
    }

    /**
     * The image a sandbox names, if it is built for this agent's user namespace.
     *
     * @throws AgentException INVALID_SPEC for a bad name, IMAGE_MISSING when not built (or built for another shift)
     */
    ImageInfo requireImage(String image) {
        if (!ImageStore.isValidName(image)) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, "'" + image + "' is not a valid image name");
        }
        ImageInfo info = images.find(image).orElseThrow(() -> new AgentException(AgentErrorCode.IMAGE_MISSING,
                "base image '" + image + "' is not built; build it with: bin/magsd image build " + image));
        long offset = images.idOffset(image).orElse(0);
        if (offset != rootId) {
            // An image whose files belong to other ids than the sandboxes' root would be read-only and foreign to it.
            String builtFor = offset == 0 ? "without a user namespace shift" : "for sandbox root at host uid " + offset;
            throw new AgentException(AgentErrorCode.IMAGE_MISSING, "base image '" + image + "' was built " + builtFor
                    + ", but this agent runs sandbox root as host uid " + rootId + "; rebuild it with: bin/magsd image build "
                    + image);
        }
        return info;
    }

    /** A container named {@code containerId}; on a workspace's disk and on a base if given. */
    Container build(String containerId, SandboxShape shape, WorkspaceKey workspace, BaseLayer base) {
        ImageInfo image = requireImage(shape.image());
        building.readLock().lock();
        try {
            if (!held.add(containerId)) {
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

    /** Raises the host's inotify limits when the containers held pass what they have room for (rarely: in steps). */
    private void roomForInotify() {
        try {
            hostInotify.roomFor(held.size());
        } catch (IllegalStateException e) {
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, e.getMessage(), e);
        }
    }

    /** A container from the warm pool when it has one of this shape (labelled with the sandbox id), else a new one. */
    Container warmOrBuilt(SandboxId id, SandboxShape shape) {
        Optional<Container> warm = takeWarm(shape);
        if (pool.keeps(shape)) {
            (warm.isPresent() ? poolHits : poolMisses).increment();
        }
        if (warm.isPresent()) {
            try {
                Files.writeString(warm.get().paths().label(), id.value() + "\n");
                return warm.get();
            } catch (IOException e) {
                log.warn("sandbox {}: cannot label pool member {} ({}); building a container", id, warm.get().id(),
                        e.getMessage());
                discard(warm.get());
            }
        }
        return build(id.value(), shape, null, null);
    }

    /** A ready container of {@code shape} from the warm pool, if it has one; never waits. */
    Optional<Container> takeWarm(SandboxShape shape) {
        return pool.take(shape);
    }

    private Container buildPoolMember(SandboxShape shape) {
        if (closing) {
            throw new AgentException(AgentErrorCode.SHUTTING_DOWN, "the agent is shutting down");
        }
        return build(POOL_ID_PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()), shape, null, null);
    }

    /** A pooled container may go to a sandbox while its init waits and its image is the one built now. */
    private boolean usable(Container container) {
        return container.isAlive() && !container.standbyDied() && images.find(container.shape().image())
                .map(i -> i.builtAt().equals(container.imageBuiltAt()))
                .orElse(false);
    }

    /** Releases a container no sandbox got. */
    void discard(Container container) {
        try {
            container.release();
        } catch (CleanupStack.CleanupException e) {
            log.warn("{} was not fully released: {}; reconcile will remove the rest", container, e.allMessages());
        } finally {
            forget(container.id());
        }
    }

    /** A container is released: reconcile may reap its id again, and the base it was built on may go. */
    void forget(String containerId) {
        held.remove(containerId);
        bases.release(containerId);
        builder.prepareAhead(); // a sandbox has ended: a quiet moment for the next build's user namespace
    }

    /** Container ids this agent holds: being built, pooled, or serving a sandbox. */
    Set<String> held() {
        return Set.copyOf(held);
    }

    /** Runs {@code action} while no container is being built. */
    <T> T exclusively(Supplier<T> action) {
        building.writeLock().lock();
        try {
            return action.get();
        } finally {
            building.writeLock().unlock();
        }
    }

    /** Stops refilling the pool and releases its containers, waiting at most {@code bound}. */
    void close(Duration bound) {
        closing = true;
        pool.close(bound);
    }

    /** Ends what the builder made ahead; after every container is released. */
    void closeBuilder() {
        builder.close();
    }
}
