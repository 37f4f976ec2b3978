package dev.mags.controlplane;

import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.BaseCopy;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExecStream;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.HostUsage;
import dev.mags.protocol.v2.ImageInfo;
import dev.mags.protocol.v2.PtySize;
import dev.mags.protocol.v2.ReconcileReport;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxFiles;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxInfo;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.SandboxState;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.SyncProgress;
import dev.mags.protocol.v2.SyncResult;
import dev.mags.protocol.v2.WorkspaceInfo;
import dev.mags.protocol.v2.WorkspaceKey;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An agent for control-plane tests: its sandboxes are bookkeeping, and a process in one interprets a tiny script
 * language (the last argument of its argv), one command per line: {@code out TEXT}, {@code err TEXT},
 * {@code sleep MILLIS}, {@code await GATE} (until the test calls {@link #open(String)}), {@code exit CODE}.
 */
public final class FakeAgent implements Agent {
    private final List<ImageInfo> images = new CopyOnWriteArrayList<>();
    private final Map<SandboxId, FakeSandbox> running = new ConcurrentHashMap<>();
    /** Every sandbox created, in order. */
    final List<SandboxSpec> launched = new CopyOnWriteArrayList<>();
    /** Gates of the {@code await NAME} command, opened by {@link #open(String)}. */
    private final Map<String, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();
    /** Every process started, in order. */
    final List<ExecSpec> execs = new CopyOnWriteArrayList<>();
    final List<Set<SandboxId>> reconciled = new CopyOnWriteArrayList<>();
    /** Workspace keys the agent keeps, as a real one keeps their disks. */
    final Set<WorkspaceKey> workspaces = ConcurrentHashMap.newKeySet();
    final List<WorkspaceKey> deletedWorkspaces = new CopyOnWriteArrayList<>();
    /** Called with each sandbox's spec right before a script starts in it. */
    volatile java.util.function.Consumer<SandboxSpec> beforeScript = spec -> { };
    /** What every fake sandbox reports it used when it ends. */
    volatile dev.mags.protocol.v2.SandboxUse use = dev.mags.protocol.v2.SandboxUse.NONE;
    /** Where every fake sandbox's ports lead: sandbox port → a port on the host's loopback where the test listens. */
    final Map<Integer, Integer> ports = new ConcurrentHashMap<>();
    /** What {@link #usage()} reports as free on the disks' file system. */
    volatile long diskFreeBytes = 1L << 50;
    /** Places held by the test ({@code "create"}, {@code "stop"}): calls wait there until released. */
    private final Map<String, CompletableFuture<Void>> holds = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> waiting = new ConcurrentHashMap<>();

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

    /** Live sandboxes on workspace disks, by workspace key, with their limits. */
    /** Ends a running sandbox as the host would (its processes killed, the runtime failing). */
    void endSandbox(SandboxId id, ExitReason reason, String detail) {
        FakeSandbox s = running.get(id);
        if (s != null) {
            s.end(reason, detail);
        }
    }

    Map<WorkspaceKey, SandboxLimits> liveWorkspaces() {
        Map<WorkspaceKey, SandboxLimits> out = new HashMap<>();
        running.values().stream().filter(s -> s.spec.workspace() != null)
                .forEach(s -> out.put(s.spec.workspace().key(), s.spec.limits()));
        return out;
    }

    /** From now on {@code create()} ({@code "create"}) or a sandbox's {@code stop()} ({@code "stop"}) waits there. */
    void hold(String place) {
        holds.put(place, new CompletableFuture<>());
    }

    /** Lets the calls waiting at {@code place} go on, and the later ones pass. */
    void release(String place) {
        CompletableFuture<Void> hold = holds.remove(place);
        if (hold != null) {
            hold.complete(null);
        }
    }

    /** How many calls wait at {@code place} now. */
    int waitingAt(String place) {
        return waiting.computeIfAbsent(place, p -> new java.util.concurrent.atomic.AtomicInteger()).get();
    }

    /** Runs {@code then} once {@code place} is not held (at once, or when released); counted as waiting till then. */
    private CompletableFuture<Void> pass(String place, Runnable then) {
        CompletableFuture<Void> hold = holds.get(place);
        if (hold == null) {
            then.run();
            return CompletableFuture.completedFuture(null);
        }
        java.util.concurrent.atomic.AtomicInteger count = waiting.computeIfAbsent(place,
                p -> new java.util.concurrent.atomic.AtomicInteger());
        count.incrementAndGet();
        return hold.thenRun(() -> {
            count.decrementAndGet();
            then.run();
        });
    }

    @Override
    public Sandbox create(SandboxSpec spec) {
        pass("create", () -> { }).join(); // a real create returns once the sandbox runs
        return made(spec);
    }

    private synchronized Sandbox made(SandboxSpec spec) {
        if (image(spec.image()).isEmpty()) {
            throw new AgentException(AgentErrorCode.IMAGE_MISSING, "base image '" + spec.image() + "' is not built");
        }
        if (running.containsKey(spec.id())) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, "sandbox " + spec.id() + " is already running");
        }
        if (spec.workspace() != null) {
            if (liveWorkspaces().containsKey(spec.workspace().key())) {
                throw new AgentException(AgentErrorCode.WORKSPACE_BUSY, "workspace " + spec.workspace().key() + " is in use");
            }
            workspaces.add(spec.workspace().key());
        }
        launched.add(spec);
        FakeSandbox sandbox = new FakeSandbox(spec);
        running.put(spec.id(), sandbox);
        return sandbox;
    }

    @Override
    public Optional<Sandbox> sandbox(SandboxId id) {
        return Optional.ofNullable(running.get(id));
    }

    @Override
    public List<SandboxInfo> sandboxes() {
        return running.values().stream().map(s -> new SandboxInfo(s.spec.id(), s.state(),
                s.spec.workspace() == null ? null : s.spec.workspace().key(), s.spec.limits(), Instant.EPOCH, 0)).toList();
    }

    @Override
    public List<WorkspaceInfo> workspaces() {
        Set<WorkspaceKey> live = liveWorkspaces().keySet();
        return workspaces.stream().sorted((a, b) -> a.value().compareTo(b.value()))
                .map(k -> new WorkspaceInfo(k, 1L << 30, -1, live.contains(k))).toList();
    }

    @Override
    public void deleteWorkspace(WorkspaceKey key) {
        if (liveWorkspaces().containsKey(key)) {
            throw new AgentException(AgentErrorCode.WORKSPACE_BUSY, "workspace " + key + " is in use");
        }
        if (workspaces.remove(key)) {
            deletedWorkspaces.add(key);
        }
    }

    @Override
    public SyncResult syncWorkspace(WorkspaceKey key, StoredWorkspace stored) {
        throw new AgentException(AgentErrorCode.STORAGE_FAILED, "the fake agent has no workspace storage");
    }

    @Override
    public Optional<SyncProgress> syncProgress(WorkspaceKey key) {
        return Optional.empty();
    }

    /** Sandbox disks as a real agent counts them: wholly sparse, so each may still take its whole size. */
    @Override
    public HostUsage usage() {
        long growable = running.values().stream().mapToLong(r -> r.spec.limits().diskBytes()).sum();
        return new HostUsage(diskFreeBytes, growable, liveWorkspaces());
    }

    @Override
    public void resizeWorkspace(WorkspaceKey key, long diskBytes) {
    }

    @Override
    public List<BaseCopy> baseCopies() {
        return List.of();
    }

    @Override
    public ReconcileReport reconcile(Set<SandboxId> keep) {
        reconciled.add(Set.copyOf(keep));
        return new ReconcileReport(List.of(), List.of());
    }

    @Override
    public void close() {
        for (FakeSandbox sb : new ArrayList<>(running.values())) {
            sb.end(ExitReason.AGENT_SHUTDOWN, "agent closed");
        }
    }

    private final class FakeSandbox implements Sandbox {
        private final SandboxSpec spec;
        private final List<FakeExec> execs = new CopyOnWriteArrayList<>();
        private final CompletableFuture<SandboxEnd> ended = new CompletableFuture<>();

        FakeSandbox(SandboxSpec spec) {
            this.spec = spec;
        }

        @Override
        public SandboxId id() {
            return spec.id();
        }

        @Override
        public SandboxState state() {
            return ended.isDone() ? SandboxState.ENDED : SandboxState.RUNNING;
        }

        @Override
        public Exec exec(ExecSpec exec, ExecListener listener, CommandGate gate) {
            if (ended.isDone()) {
                throw new AgentException(AgentErrorCode.NOT_FOUND, "sandbox " + spec.id() + " has ended");
            }
            gate.beforeCommand();
            FakeAgent.this.execs.add(exec);
            beforeScript.accept(spec);
            FakeExec e = new FakeExec(exec, listener);
            execs.add(e);
            Thread.ofVirtual().start(e::interpret);
            return e;
        }

        @Override
        public java.net.Socket connect(int sandboxPort) throws java.io.IOException {
            Integer hostPort = ports.get(sandboxPort);
            if (hostPort == null) {
                throw new java.net.ConnectException("nothing listens on port " + sandboxPort + " of fake sandbox " + spec.id());
            }
            return new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), hostPort);
        }

        @Override
        public <T> T dial(int sandboxPort, Opener<T> opener) throws java.io.IOException {
            Integer hostPort = ports.get(sandboxPort);
            if (hostPort == null) {
                throw new java.net.ConnectException("nothing listens on port " + sandboxPort + " of fake sandbox " + spec.id());
            }
            return opener.open(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), hostPort));
        }

        @Override
        public SandboxFiles files() {
            throw new UnsupportedOperationException("the fake agent has no files");
        }

        @Override
        public void freeze() {
        }

        @Override
        public void thaw() {
        }

        @Override
        public CompletableFuture<SandboxEnd> stop(Duration grace, boolean sync) {
            pass("stop", () -> end(ExitReason.STOPPED, "stopped")); // a real stop ends the sandbox on a thread of its own
            return ended;
        }

        void end(ExitReason reason, String detail) {
            execs.forEach(e -> e.end(new ExecExit(null, reason, detail)));
            running.remove(spec.id(), this);
            ended.complete(new SandboxEnd(reason, detail, null, null, use));
        }

        @Override
        public CompletableFuture<SandboxEnd> ended() {
            return ended;
        }
    }

    private final class FakeExec implements Exec {
        private final ExecSpec spec;
        private final ExecListener output;
        private final CompletableFuture<ExecExit> exit = new CompletableFuture<>();

        FakeExec(ExecSpec spec, ExecListener output) {
            this.spec = spec;
            this.output = output;
        }

        void interpret() {
            String script = spec.argv().getLast();
            long deadline = spec.timeout() == null ? Long.MAX_VALUE : System.nanoTime() + spec.timeout().toNanos();
            for (String line : script.split("\n")) {
                if (exit.isDone()) {
                    return;
                }
                String[] parts = line.strip().split(" ", 2);
                String arg = parts.length > 1 ? parts[1] : "";
                switch (parts[0]) {
                    case "out" -> print(ExecStream.STDOUT, arg);
                    case "err" -> print(ExecStream.STDERR, arg);
                    case "sleep" -> {
                        long end = System.nanoTime() + Duration.ofMillis(Long.parseLong(arg)).toNanos();
                        while (System.nanoTime() < end && !exit.isDone()) {
                            if (System.nanoTime() > deadline) {
                                end(new ExecExit(143, ExitReason.TIMED_OUT, "timed out"));
                                return;
                            }
                            sleep(5);
                        }
                    }
                    case "await" -> {
                        CompletableFuture<Void> gate = gates.computeIfAbsent(arg, n -> new CompletableFuture<>());
                        while (!gate.isDone() && !exit.isDone()) {
                            if (System.nanoTime() > deadline) {
                                end(new ExecExit(143, ExitReason.TIMED_OUT, "timed out"));
                                return;
                            }
                            sleep(5);
                        }
                    }
                    case "exit" -> {
                        end(ExecExit.exited(Integer.parseInt(arg)));
                        return;
                    }
                    default -> { }
                }
            }
            end(ExecExit.exited(0));
        }

        private void print(ExecStream stream, String text) {
            byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
            if (!exit.isDone()) {
                output.output(stream, bytes, 0, bytes.length);
            }
        }

        void end(ExecExit e) {
            exit.complete(e);
        }

        @Override
        public OutputStream stdin() {
            throw new IllegalStateException("no stdin");
        }

        @Override
        public void resize(PtySize size) {
        }

        /** HUP, INT, KILL and TERM end the script as they end a shell that does not trap them: 128 + the signal. */
        @Override
        public void signal(int signal) {
            if (java.util.Set.of(1, 2, 9, 15).contains(signal)) {
                end(ExecExit.exited(128 + signal));
            }
        }

        @Override
        public CompletableFuture<ExecExit> exit() {
            return exit;
        }
    }

    /** Lets every script waiting at {@code await name} (now or later) go on. */
    void open(String name) {
        gates.computeIfAbsent(name, n -> new CompletableFuture<>()).complete(null);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
