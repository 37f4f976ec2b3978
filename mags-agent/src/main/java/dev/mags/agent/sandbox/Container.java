package dev.mags.agent.sandbox;

import dev.mags.agent.bundle.BundleSpec;
import dev.mags.agent.cgroup.CgroupTree;
import dev.mags.agent.cgroup.LimitEvents;
import dev.mags.agent.cgroup.ResourceUse;
import dev.mags.protocol.v2.SandboxUse;
import dev.mags.agent.disk.SandboxDisk;
import dev.mags.agent.network.NetnsDialer;
import dev.mags.agent.runtime.Runc;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A created and started container whose init waits: its disk, overlay root, bundle and cgroups exist, and the
 * cleanup stack undoes them all. It serves one sandbox, which runs any number of processes in it; when the
 * sandbox ends it is {@link #kill() killed} and {@link #release() released}, never reused.
 */
public final class Container {
    /** After SIGKILL the kernel ends the processes at once; this only bounds a wedged kernel or runtime. */
    static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** Bounds the wait for the freezer to stop or restart every task. */
    private static final Duration FREEZE_WAIT = Duration.ofSeconds(10);
    /** The argv of the init's own child, which it waits on between orphans (see {@link SandboxInit}). */
    private static final String INIT_SLEEP = BundleSpec.INIT_BINARY + "\0sleep\0" + "2147483647";

    private final ContainerSpec spec;
    private final SandboxPaths paths;
    private final CleanupStack cleanup;
    private final Runc runc;
    private final CgroupTree cgroups;
    private final String cgroupParent;
    /** The init's shell waiting for the first command; null once handed out (or dismissed). */
    private final AtomicReference<InitStandby> standby = new AtomicReference<>();
    private final InitPorts ports;
    /** Made at the first process that needs it (a live sandbox's second); the release ends it. */
    private ExecServer execServer;

    Container(ContainerSpec spec, SandboxPaths paths, CleanupStack cleanup, Runc runc, CgroupTree cgroups,
            String cgroupParent, InitPorts ports) {
        this.ports = ports;
        this.spec = Objects.requireNonNull(spec, "spec");
        this.paths = paths;
        this.cleanup = cleanup;
        this.runc = runc;
        this.cgroups = cgroups;
        this.cgroupParent = cgroupParent;
    }

    /**
     * A connection to {@code sandboxPort} inside, made from the sandbox's own network namespace.
     *
     * @throws AgentException NOT_FOUND when the init has ended
     * @throws java.net.ConnectException when nothing listens there
     */
    public Socket connect(int sandboxPort) throws IOException {
        try {
            return ports.connect(sandboxPort);
        } catch (NetnsDialer.ProcessGoneException e) {
            throw new AgentException(AgentErrorCode.NOT_FOUND, "sandbox " + id() + " has ended", e);
        } catch (IllegalArgumentException e) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, e.getMessage(), e);
        }
    }

    /** Runs {@code opener} inside the sandbox's network namespace (see {@link dev.mags.protocol.v2.Sandbox#dial}). */
    public <T> T dial(int sandboxPort, dev.mags.protocol.v2.Sandbox.Opener<T> opener) throws IOException {
        try {
            return ports.within(sandboxPort, opener::open);
        } catch (NetnsDialer.ProcessGoneException e) {
            throw new AgentException(AgentErrorCode.NOT_FOUND, "sandbox " + id() + " has ended", e);
        } catch (IllegalArgumentException e) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, e.getMessage(), e);
        }
    }

    /** The runtime's container id: the sandbox id, or a pool member's own id. */
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

    /** Whether the init still runs; a pool member whose init died is discarded, never handed out. */
    public boolean isAlive() {
        return runc.isInitAlive(id());
    }

    /** Keeps {@code shell} ready for the first command; the release closes the agent's ends of its FIFOs. */
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

    /** Gives back a standby shell taken for a command that did not start after all. */
    void returnStandby(InitStandby shell) {
        standby.compareAndSet(null, shell);
    }

    /**
     * The container's {@link ExecServer}, made (not yet started) on first use.
     */
    synchronized ExecServer execServer(ScheduledExecutorService timers) {
        if (execServer == null) {
            execServer = new ExecServer(id(), paths, runc, timers);
            cleanup.push("end the exec server of " + id(), execServer::close);
        }
        return execServer;
    }

    /** What the kernel counted against the limits so far; read before {@link #release()} removes the cgroups. */
    public LimitEvents limitEvents() {
        return LimitEvents.read(cgroups, cgroupParent, id());
    }

    /** What the sandbox used so far (CPU time, peak memory); read before {@link #release()} removes the cgroups. */
    public SandboxUse use() {
        return ResourceUse.read(cgroups, cgroupParent, id());
    }

    /** Bytes still free on the sandbox's disk; read before {@link #release()} unmounts it. */
    public long diskUsableBytes() {
        return SandboxDisk.usableBytes(paths.disk());
    }

    /**
     * The sandbox's processes but its init and the init's own waiting {@code sleep}: what a stop sends SIGTERM
     * to and waits for.
     */
    public List<ProcessHandle> userProcesses() {
        Optional<Long> init = runc.initPid(id());
        return cgroups.processes(cgroupParent, id()).stream()
                .filter(pid -> init.map(i -> !i.equals(pid)).orElse(true))
                .map(ProcessHandle::of).flatMap(Optional::stream)
                .filter(p -> !(p.parent().map(pp -> init.isPresent() && pp.pid() == init.get()).orElse(false)
                        && INIT_SLEEP.equals(cmdline(p.pid()))))
                .toList();
    }

    private static String cmdline(long pid) {
        try {
            String text = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8);
            return text.endsWith("\0") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Stops every process of the container with the cgroup freezer (memory kept, no CPU) and returns once the
     * kernel says all are frozen.
     *
     * @throws AgentException RUNTIME_FAILED when the freezer does not get there in time
     */
    public void freeze() {
        setFreezer("FROZEN");
    }

    public void thaw() {
        setFreezer("THAWED");
    }

    private void setFreezer(String wanted) {
        try {
            cgroups.write(cgroupParent, id(), "freezer.state", wanted);
            long deadline = System.nanoTime() + FREEZE_WAIT.toNanos();
            while (!cgroups.read(cgroupParent, id(), "freezer.state").map(String::strip).orElse("").equals(wanted)) {
                if (System.nanoTime() > deadline) {
                    throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "the freezer of sandbox " + id()
                            + " did not get to " + wanted + " within " + FREEZE_WAIT.toSeconds() + " s");
                }
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "interrupted while freezing sandbox " + id(), e);
        } catch (java.io.UncheckedIOException e) {
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "cannot use the freezer of sandbox " + id()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Kills every process in the container (SIGKILL to its init, which ends the PID namespace) and
     * waits, bounded, until they are gone from its cgroups: a process that held much (a flood of mapped files)
     * takes a while to exit, and its cgroups cannot be removed before. Harmless when the container is not running.
     */
    public void kill() {
        runc.killInit(id(), KILL_WAIT);
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        try {
            while (!cgroups.processes(cgroupParent, id()).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.io.UncheckedIOException e) {
            // the cgroups are gone already
        }
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
