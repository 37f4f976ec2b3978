package dev.mags.agent.sandbox;

import dev.mags.agent.bundle.BundleSpec;
import dev.mags.agent.bundle.ConfigJson;
import dev.mags.agent.bundle.OciSpecFactory;
import dev.mags.agent.cgroup.CgroupTree;
import dev.mags.agent.output.OutputGate;
import dev.mags.agent.output.OutputPump;
import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.agent.rootfs.Mount;
import dev.mags.agent.runtime.Runc;
import dev.mags.agent.runtime.RuntimeLog;
import dev.mags.agent.security.MappedRoot;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.OutputListener;
import dev.mags.protocol.v1.OutputStream;
import dev.mags.protocol.v1.SandboxSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds a sandbox step by step: directory, per-sandbox /etc files, overlay root, config.json, then
 * the runtime in the foreground. Each acquired resource goes on a cleanup stack; if a step fails the
 * stack unwinds and nothing is left on the host. On success the stack goes to the sandbox, which
 * unwinds it when the process has ended.
 */
public final class SandboxLauncher {
    /** Bounds the wait for the runtime to start the command (tens of ms normally). */
    private static final Duration START_WAIT = Duration.ofSeconds(10);

    private final SandboxSettings settings;
    private final Runc runc;
    private final Mount mount;
    private final CgroupTree cgroups;

    public SandboxLauncher(SandboxSettings settings, Runc runc, Mount mount, CgroupTree cgroups) {
        this.settings = settings;
        this.runc = runc;
        this.mount = mount;
        this.cgroups = cgroups;
    }

    /**
     * Starts the sandbox on {@code imageRootfs} and returns once its process runs (or already ended).
     * The caller must call {@link LocalSandbox#supervise}.
     */
    public LocalSandbox launch(SandboxSpec spec, Path imageRootfs, OutputListener output) {
        String id = spec.sandboxId();
        SandboxPaths paths = SandboxPaths.of(settings.sandboxesDir(), id);
        BundleSpec bundle = bundleSpec(spec, paths);
        CleanupStack cleanup = new CleanupStack();
        try {
            prepareRootfs(id, paths, imageRootfs, cleanup);
            return start(id, paths, bundle, output, cleanup);
        } catch (AgentException e) {
            throw unwind(cleanup, e);
        } catch (RuntimeException e) {
            throw unwind(cleanup, new AgentException(AgentErrorCode.RUNTIME_FAILED,
                    "starting sandbox " + id + " failed unexpectedly: " + e, e));
        }
    }

    private static AgentException unwind(CleanupStack cleanup, AgentException failure) {
        try {
            cleanup.close();
        } catch (CleanupStack.CleanupException cleanupFailure) {
            failure.addSuppressed(cleanupFailure);
        }
        return failure;
    }

    private BundleSpec bundleSpec(SandboxSpec spec, SandboxPaths paths) {
        try {
            return new BundleSpec(spec.command(), spec.environment(), paths.rootfs(), settings.hostname(),
                    paths.etcHostname(), paths.etcHosts(), paths.resolvConf(),
                    settings.cgroupsPath(spec.sandboxId()), settings.pidsLimit(), settings.idMapping());
        } catch (IllegalArgumentException e) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, "sandbox " + spec.sandboxId() + ": " + e.getMessage(), e);
        }
    }

    private void prepareRootfs(String id, SandboxPaths paths, Path imageRootfs, CleanupStack cleanup) {
        try {
            Files.createDirectories(settings.sandboxesDir());
            Files.createDirectory(paths.dir());
        } catch (FileAlreadyExistsException e) {
            // Not ours to delete: a leftover of an earlier run that reconcile has not removed yet.
            throw new AgentException(AgentErrorCode.INVALID_SPEC,
                    "sandbox " + id + " already has a directory " + paths.dir() + "; reconcile removes leftovers", e);
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED, "cannot create " + paths.dir() + ": " + e.getMessage(), e);
        }
        cleanup.push("delete " + paths.dir(), () -> DirectoryTree.delete(paths.dir()));
        try {
            for (Path dir : List.of(paths.upper(), paths.work(), paths.rootfs(), paths.bundle())) {
                Files.createDirectory(dir);
            }
            SandboxEtc.write(paths, settings.hostname());
            MappedRoot.prepare(settings.idMapping(), paths.dir(), paths.upper(), imageRootfs, paths.etc());
            mount.overlay("mags-" + id, imageRootfs, paths.upper(), paths.work(), paths.rootfs());
            cleanup.push("unmount " + paths.rootfs(), () -> unmount(paths.rootfs()));
        } catch (IOException | UncheckedIOException | CommandFailedException | IllegalArgumentException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED,
                    "cannot prepare the root file system of sandbox " + id + ": " + e.getMessage(), e);
        }
    }

    private LocalSandbox start(String id, SandboxPaths paths, BundleSpec bundle, OutputListener output,
            CleanupStack cleanup) {
        try {
            ConfigJson.write(paths.bundle(), OciSpecFactory.create(bundle));
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED, "cannot write the bundle of sandbox " + id + ": " + e.getMessage(), e);
        }
        cleanup.push("remove the cgroups of " + id, () -> cgroups.remove(settings.cgroupParent(), id));
        cleanup.push("delete container " + id, () -> deleteContainer(id));
        Process process;
        try {
            process = runc.run(paths.bundle(), id, paths.runtimeLog());
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "cannot start the OCI runtime for sandbox " + id + ": " + e.getMessage(), e);
        }
        OutputGate gate = new OutputGate(output);
        List<Thread> readers = List.of(
                OutputPump.start(id, process.getInputStream(), OutputStream.STDOUT, gate),
                OutputPump.start(id, process.getErrorStream(), OutputStream.STDERR, gate));
        awaitStarted(id, process);
        if (!process.isAlive()) {
            List<String> errors = RuntimeLog.errors(paths.runtimeLog());
            if (!errors.isEmpty()) {
                gate.discard(); // the runtime's error text, which is in the exception, not the script's output
                throw new AgentException(AgentErrorCode.RUNTIME_FAILED,
                        "the OCI runtime could not start sandbox " + id + ": " + String.join("; ", errors));
            }
        }
        gate.open();
        return new LocalSandbox(id, process, readers, cleanup, runc, paths.runtimeLog());
    }

    /**
     * Waits until the container's command runs, or the runtime exited: then either the command was
     * quick and is done already, or the runtime failed and says so in its log.
     */
    private void awaitStarted(String id, Process process) {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        try {
            while (!process.waitFor(2, TimeUnit.MILLISECONDS)) {
                if (runc.hasStarted(id) || System.nanoTime() > deadline) {
                    return; // past the deadline: a runtime whose state we cannot read; treat as started
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "interrupted while starting sandbox " + id, e);
        }
    }

    private void deleteContainer(String id) {
        // runc run deletes the container itself when it ends normally; only leftovers need a delete.
        if (runc.hasState(id)) {
            runc.deleteForce(id);
        }
    }

    private void unmount(Path rootfs) {
        if (mount.mountsUnder(rootfs).isEmpty()) {
            return;
        }
        mount.unmount(rootfs);
    }
}
