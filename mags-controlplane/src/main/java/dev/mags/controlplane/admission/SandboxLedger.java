package dev.mags.controlplane.admission;

import dev.mags.controlplane.state.AdmissionQueries.ActiveJob;
import dev.mags.controlplane.state.AdmissionQueries.Owner;
import dev.mags.controlplane.workspace.WorkspaceName;
import dev.mags.protocol.v2.WorkspaceKey;
import dev.mags.protocol.v2.SandboxLimits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The sandboxes the server holds or has promised: one per running job without a workspace, one per
 * workspace whose sandbox is live on the agent or that has jobs pending or running, one per pending job
 * without a workspace. A workspace counts once however many of its jobs wait: they run one after another
 * in one sandbox at a time. Each sandbox is charged the largest limits among its jobs and its live
 * sandbox's own.
 */
final class SandboxLedger {
    enum State { RUNNING, KEPT, WAITING }

    /**
     * @param newDiskBytes the disk it has yet to take: a waiting sandbox's whole disk (the agent counts the
     *                     disks of live ones), 0 for the others
     */
    record Sandbox(String userId, String workspace, State state, long memoryBytes, long cpuMillis, long newDiskBytes) {}

    /** What some sandboxes hold together. */
    record Totals(int sandboxes, int running, int kept, int waiting, long memoryBytes, long cpuMillis, long newDiskBytes,
                  List<String> keptWorkspaces) {}

    private final Collection<Sandbox> sandboxes;

    private SandboxLedger(Collection<Sandbox> sandboxes) {
        this.sandboxes = sandboxes;
    }

    /** @param workspaceSandboxes the live sandboxes on workspace disks, of every host */
    static SandboxLedger of(Collection<ActiveJob> jobs, Map<WorkspaceKey, SandboxLimits> workspaceSandboxes,
                            Map<String, Owner> owners) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        workspaceSandboxes.forEach((key, limits) -> {
            Owner o = owners.get(key.value());
            Entry e = entries.computeIfAbsent("ws:" + key, k -> new Entry(o == null ? null : o.userId(),
                    o == null ? null : o.name()));
            e.live = true;
            e.charge(limits);
        });
        for (ActiveJob j : jobs) {
            Entry e;
            if (j.workspaceId() == null) {
                e = entries.computeIfAbsent("job:" + j.id(), k -> new Entry(j.userId(), null));
                e.diskIfStarted = j.limits().diskBytes();
            } else {
                String key = new WorkspaceName(j.workspaceId()).agentKey(j.userId());
                e = entries.computeIfAbsent("ws:" + key, k -> new Entry(j.userId(), j.workspaceId()));
                long resized = j.workspaceDiskBytes() == null ? 0 : j.workspaceDiskBytes();
                e.diskIfStarted = Math.max(e.diskIfStarted, Math.max(j.limits().diskBytes(), resized));
            }
            e.jobs = true;
            e.running |= j.running();
            e.charge(j.limits());
        }
        return new SandboxLedger(entries.values().stream().map(Entry::sandbox).toList());
    }

    Totals user(String userId) {
        return totals(s -> Objects.equals(s.userId(), userId));
    }

    Totals server() {
        return totals(s -> true);
    }

    private Totals totals(Predicate<Sandbox> which) {
        int count = 0;
        int[] byState = new int[State.values().length];
        long memory = 0;
        long cpu = 0;
        long disk = 0;
        List<String> kept = new ArrayList<>();
        for (Sandbox s : sandboxes) {
            if (!which.test(s)) {
                continue;
            }
            count++;
            byState[s.state().ordinal()]++;
            memory += s.memoryBytes();
            cpu += s.cpuMillis();
            disk += s.newDiskBytes();
            if (s.state() == State.KEPT && s.workspace() != null) {
                kept.add(s.workspace());
            }
        }
        return new Totals(count, byState[State.RUNNING.ordinal()], byState[State.KEPT.ordinal()],
                byState[State.WAITING.ordinal()], memory, cpu, disk, kept.stream().sorted().toList());
    }

    private static final class Entry {
        final String userId;
        final String workspace;
        boolean live;
        boolean jobs;
        boolean running;
        long memory;
        long cpu;
        long diskIfStarted;

        Entry(String userId, String workspace) {
            this.userId = userId;
            this.workspace = workspace;
        }

        void charge(SandboxLimits limits) {
            memory = Math.max(memory, limits.memoryBytes());
            cpu = Math.max(cpu, limits.cpuMillis());
        }

        Sandbox sandbox() {
            State state = running ? State.RUNNING : live ? State.KEPT : State.WAITING;
            return new Sandbox(userId, workspace, state, memory, cpu, state == State.WAITING ? diskIfStarted : 0);
        }
    }
}
