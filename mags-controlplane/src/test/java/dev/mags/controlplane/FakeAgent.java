package dev.mags.controlplane;

import dev.mags.protocol.v1.StoredWorkspace;
import dev.mags.protocol.v1.StoredWorkspaceInfo;
import dev.mags.protocol.v1.SyncProgress;
import dev.mags.protocol.v1.SyncResult;
import java.util.Optional;

import dev.mags.protocol.v1.Agent;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.ExitReason;
import dev.mags.protocol.v1.HostUsage;
import dev.mags.protocol.v1.ImageInfo;
import dev.mags.protocol.v1.OutputListener;
import dev.mags.protocol.v1.OutputStream;
import dev.mags.protocol.v1.ReconcileReport;
import dev.mags.protocol.v1.RunningSandbox;
import dev.mags.protocol.v1.SandboxExit;
import dev.mags.protocol.v1.SandboxLimits;
import dev.mags.protocol.v1.SandboxSpec;
import dev.mags.protocol.v1.WorkspaceInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An agent for control-plane tests: instead of a sandbox it interprets a tiny script language, one
 * command per line: {@code out TEXT}, {@code err TEXT}, {@code sleep MILLIS}, {@code await GATE} (until the test
 * calls {@link #open(String)}), {@code exit CODE}.
 */
public final class FakeAgent implements Agent {
    private final List<ImageInfo> images = new CopyOnWriteArrayList<>();
    private final Map<String, FakeSandbox> running = new ConcurrentHashMap<>();
    final List<SandboxSpec> launched = new CopyOnWriteArrayList<>();
    final List<Set<String>> reconciled = new CopyOnWriteArrayList<>();
    /** Workspace keys the agent keeps, as a real one keeps their disks. */
    final Set<String> workspaces = ConcurrentHashMap.newKeySet();
    final List<String> deletedWorkspaces = new CopyOnWriteArrayList<>();
    /** Called with each sandbox's spec right before its script starts. */
    volatile java.util.function.Consumer<SandboxSpec> beforeScript = spec -> { };
    /** Live workspace sandboxes by key: kept alive after a command of a keepAlive spec, or running one now. */
    final Map<String, SandboxLimits> liveWorkspaces = new ConcurrentHashMap<>();
    /** Gates of the {@code await NAME} command, opened by {@link #open(String)}. */
    private final Map<String, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();

    /** Lets every script waiting at {@code await name} (now or later) go on. */
    void open(String name) {
        gates.computeIfAbsent(name, n -> new CompletableFuture<>()).complete(null);
    }
    /** What {@link #usage()} reports as free on the disks' file system. */
    volatile long diskFreeBytes = 1L << 50;

    public FakeAgent(String... imageNames) {
        for (String n : imageNames) {
            images.add(new ImageInfo(n, Instant.now(), 1));
        }
    }

    @Override
    public List<ImageInfo> images() {
        return List.copyOf(images);
    }

    public int runningCount() {
        return running.size();
    }

    @Override
    public RunningSandbox launch(SandboxSpec spec, OutputListener output) {
        if (image(spec.image()).isEmpty()) {
            throw new AgentException(AgentErrorCode.IMAGE_MISSING, "base image '" + spec.image() + "' is not built");
        }
        if (spec.workspace() != null) {
            boolean busy = running.values().stream().anyMatch(r -> spec.workspace().equals(r.spec.workspace()));
            if (busy) {
                throw new AgentException(AgentErrorCode.WORKSPACE_BUSY, "workspace " + spec.workspace().key() + " is in use");
            }
            workspaces.add(spec.workspace().key());
            liveWorkspaces.putIfAbsent(spec.workspace().key(), spec.limits());
        }
        launched.add(spec);
        beforeScript.accept(spec);
        FakeSandbox sb = new FakeSandbox(spec, output);
        running.put(spec.sandboxId(), sb);
        Thread.ofVirtual().start(sb::interpret);
        return sb;
    }

    @Override
    public List<WorkspaceInfo> workspaces() {
        return workspaces.stream().sorted().map(k -> new WorkspaceInfo(k, 1L << 30)).toList();
    }

    @Override
    public void deleteWorkspace(String key) {
        boolean busy = running.values().stream().anyMatch(r -> r.spec.workspace() != null && r.spec.workspace().key().equals(key));
        if (busy) {
            throw new AgentException(AgentErrorCode.WORKSPACE_BUSY, "workspace " + key + " is in use");
        }
        workspaces.remove(key);
        deletedWorkspaces.add(key);
    }

    @Override
    public SyncResult syncWorkspace(String key, StoredWorkspace stored) {
        throw new AgentException(AgentErrorCode.STORAGE_FAILED, "the fake agent has no workspace storage");
    }

    @Override
    public Optional<SyncProgress> syncProgress(String key) {
        return Optional.empty();
    }

    @Override
    public Optional<SyncResult> endWorkspaceSandbox(String key) {
        liveWorkspaces.remove(key);
        return Optional.empty();
    }

    /** Sandbox disks as a real agent counts them: wholly sparse, so each may still take its whole size. */
    @Override
    public HostUsage usage() {
        long growable = running.values().stream().filter(r -> r.spec.workspace() == null)
                .mapToLong(r -> r.spec.limits().diskBytes()).sum()
                + liveWorkspaces.values().stream().mapToLong(SandboxLimits::diskBytes).sum();
        return new HostUsage(diskFreeBytes, growable, Map.copyOf(liveWorkspaces));
    }

    @Override
    public void resizeWorkspace(String key, long diskBytes) {
    }

    @Override
    public List<StoredWorkspaceInfo> storedWorkspaces(String owner) {
        return List.of();
    }

    @Override
    public Optional<String> latestSnapshot(StoredWorkspace workspace) {
        return Optional.empty();
    }

    @Override
    public void deleteStoredWorkspace(StoredWorkspace workspace) {
    }

    @Override
    public ReconcileReport reconcile(Set<String> keep) {
        reconciled.add(Set.copyOf(keep));
        return new ReconcileReport(List.of(), List.of());
    }

    @Override
    public void close() {
        for (FakeSandbox sb : new ArrayList<>(running.values())) {
            sb.end(new SandboxExit(null, ExitReason.AGENT_SHUTDOWN, "agent closed"));
        }
    }

    private final class FakeSandbox implements RunningSandbox {
        private final SandboxSpec spec;
        private final OutputListener output;
        private final CompletableFuture<SandboxExit> exit = new CompletableFuture<>();

        FakeSandbox(SandboxSpec spec, OutputListener output) {
            this.spec = spec;
            this.output = output;
        }

        void interpret() {
            String script = spec.command().getLast();
            long deadline = spec.timeout() == null ? Long.MAX_VALUE : System.nanoTime() + spec.timeout().toNanos();
            for (String line : script.split("\n")) {
                if (exit.isDone()) {
                    return;
                }
                String[] parts = line.strip().split(" ", 2);
                String arg = parts.length > 1 ? parts[1] : "";
                switch (parts[0]) {
                    case "out" -> output.onLine(OutputStream.STDOUT, Instant.now(), arg);
                    case "err" -> output.onLine(OutputStream.STDERR, Instant.now(), arg);
                    case "sleep" -> {
                        long end = System.nanoTime() + Duration.ofMillis(Long.parseLong(arg)).toNanos();
                        while (System.nanoTime() < end && !exit.isDone()) {
                            if (System.nanoTime() > deadline) {
                                end(new SandboxExit(null, ExitReason.TIMED_OUT, "timed out"));
                                return;
                            }
                            sleep(5);
                        }
                    }
                    case "await" -> {
                        CompletableFuture<Void> gate = gates.computeIfAbsent(arg, n -> new CompletableFuture<>());
                        while (!gate.isDone() && !exit.isDone()) {
                            if (System.nanoTime() > deadline) {
                                end(new SandboxExit(null, ExitReason.TIMED_OUT, "timed out"));
                                return;
                            }
                            sleep(5);
                        }
                    }
                    case "exit" -> {
                        end(SandboxExit.exited(Integer.parseInt(arg)));
                        return;
                    }
                    default -> { }
                }
            }
            end(SandboxExit.exited(0));
        }

        void end(SandboxExit e) {
            running.remove(spec.sandboxId());
            boolean keptAfter = e.reason() == ExitReason.EXITED && spec.workspace() != null && spec.workspace().keepAlive();
            if (spec.workspace() != null && !keptAfter) {
                liveWorkspaces.remove(spec.workspace().key());
            }
            exit.complete(e);
        }

        @Override
        public String sandboxId() {
            return spec.sandboxId();
        }

        @Override
        public CompletableFuture<SandboxExit> exit() {
            return exit;
        }

        @Override
        public int forwardPort(int sandboxPort) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, "the fake agent has no network");
        }

        @Override
        public void stop(Duration grace) {
            end(new SandboxExit(null, ExitReason.STOPPED, "stopped"));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
