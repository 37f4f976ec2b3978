package dev.mags.agent.sandbox;

import dev.mags.agent.network.AttachedNetwork;
import dev.mags.agent.network.NetworkException;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.agent.cgroup.CgroupTree;
import dev.mags.agent.cgroup.LimitEvents;
import dev.mags.agent.disk.SandboxDisk;
import dev.mags.agent.runtime.Runc;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A created and started container whose init waits for a job: its disk, overlay root, bundle and
 * cgroups exist, and the cleanup stack undoes them all. A container runs at most one job's command;
 * afterwards it is {@link #kill() killed} and {@link #release() released}, never reused.
 */
public final class Container {
    /** After SIGKILL the kernel ends the processes at once; this only bounds a wedged kernel or runtime. */
    static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final ContainerSpec spec;
    private final SandboxPaths paths;
    private final CleanupStack cleanup;
    private final Runc runc;
    private final CgroupTree cgroups;
    private final String cgroupParent;
    private final AtomicBoolean taken = new AtomicBoolean();
    /** The init's shell waiting for the job; null once handed out (or dismissed). */
    private final AtomicReference<InitStandby> standby = new AtomicReference<>();
    /** Null for a sandbox without outbound network. */
    private final AttachedNetwork network;

    Container(ContainerSpec spec, SandboxPaths paths, CleanupStack cleanup, Runc runc, CgroupTree cgroups,
            String cgroupParent, AttachedNetwork network) {
        this.network = network;
        this.spec = Objects.requireNonNull(spec, "spec");
        this.paths = paths;
        this.cleanup = cleanup;
        this.runc = runc;
        this.cgroups = cgroups;
        this.cgroupParent = cgroupParent;
    }

    /**
     * A host port on 127.0.0.1 forwarded to {@code sandboxPort} inside.
     *
     * @throws AgentException INVALID_SPEC without network, RUNTIME_FAILED when the forward fails
     */
    public int forwardPort(int sandboxPort) {
        if (network == null) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC,
                    "sandbox " + id() + " has no network to forward port " + sandboxPort + " into");
        }
        try {
            return network.forwardPort(sandboxPort);
        } catch (NetworkException | IllegalArgumentException e) {
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "cannot forward a port to " + sandboxPort
                    + " in sandbox " + id() + ": " + e.getMessage(), e);
        }
    }

    /** The runtime's container id: the job's sandbox id, or a pool member's own id. */
    public String id() {
        return spec.id();
    }

    public SandboxShape shape() {
        return spec.shape();
    }

    public Instant imageBuiltAt() {
        return spec.imageBuiltAt();
    }

    public SandboxPaths paths() {
        return paths;
    }

    /** Whether the init still waits; a pool member whose init died is discarded, never handed out. */
    public boolean isAlive() {
        return runc.isInitAlive(id());
    }

    /** Keeps {@code shell} ready for the job; the release closes the agent's ends of its FIFOs. */
    void prime(InitStandby shell) {
        cleanup.push("close the standby shell of " + id(), shell::close);
        standby.set(shell);
    }

    /** Whether the standby shell has died while it waited (the container is then not worth handing out). */
    public boolean standbyDied() {
        InitStandby shell = standby.get();
        return shell != null && !shell.isAlive();
    }

    /** The standby shell, once; null if there is none. */
    InitStandby takeStandby() {
        return standby.getAndSet(null);
    }

    /** Marks the container as handed to a job; true only for the first caller. */
    boolean take() {
        return taken.compareAndSet(false, true);
    }

    /** What the kernel counted against the limits so far; read before {@link #release()} removes the cgroups. */
    public LimitEvents limitEvents() {
        return LimitEvents.read(cgroups, cgroupParent, id());
    }

    /** Bytes still free on the sandbox's disk; read before {@link #release()} unmounts it. */
    public long diskUsableBytes() {
        return SandboxDisk.usableBytes(paths.disk());
    }

    /**
     * Kills every process in the container (SIGKILL to its init, which ends the PID namespace) and
     * waits, bounded, until they are gone. Harmless when the container is not running.
     */
    public void kill() {
        runc.killInit(id(), KILL_WAIT);
    }

    /**
     * Kills the container if it still runs and releases everything it holds, in reverse order of
     * acquisition: runtime state, cgroups, overlay, the tmpfs of its /etc files and FIFOs, disk and loop device,
     * directory. Releasing twice is harmless.
     *
     * @throws CleanupStack.CleanupException naming every step that failed; reconcile removes what is left
     */
    public void release() {
        cleanup.close();
    }

    @Override
    public String toString() {
        return "container " + id() + " of " + shape();
    }
}
