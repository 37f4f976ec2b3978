package dev.mags.controlplane.admission;

import dev.mags.controlplane.admission.SandboxLedger.Totals;
import dev.mags.controlplane.error.InsufficientStorageException;
import dev.mags.controlplane.error.TooManyRequestsException;
import dev.mags.controlplane.error.UnavailableException;
import dev.mags.controlplane.state.AdmissionQueries;
import dev.mags.controlplane.state.AdmissionQueries.ActiveJob;
import dev.mags.controlplane.state.AdmissionQueries.Owner;
import dev.mags.controlplane.placement.AgentDirectory;
import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.WorkspaceKey;
import java.util.HashMap;
import java.util.stream.Collectors;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.HostUsage;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides, when a job is submitted, whether the server takes it: the user's live sandboxes (running,
 * kept alive with {@code -p}, and those jobs waiting will start) stay within the per-user count, memory
 * and CPU limits; a job is not left waiting behind kept sandboxes, which do not end by themselves; and
 * the sparse disks of live and promised sandboxes fit the data dir's free space above the reserve. A
 * job that runs in a sandbox that is already live adds nothing and is always taken. The check and the
 * insert of the job happen under one lock, so concurrent submissions cannot both take the last room.
 */
public final class Admission {
    private static final String CANDIDATE = "(submitted)";

    private final AdmissionPolicy policy;
    private final int maxConcurrentJobs;
    private final AdmissionQueries queries;
    private final AgentDirectory agents;
    private final Object lock = new Object();

    /** A job about to be accepted: its owner, workspace (null for none) and limits. */
    public record Candidate(String userId, String workspaceId, SandboxLimits limits, Long workspaceDiskBytes) {}

    public Admission(AdmissionPolicy policy, int maxConcurrentJobs, AdmissionQueries queries, AgentDirectory agents) {
        this.policy = policy;
        this.maxConcurrentJobs = maxConcurrentJobs;
        this.queries = queries;
        this.agents = agents;
    }

    /**
     * Runs {@code accept} (which stores the job as pending) if the job fits.
     *
     * @throws TooManyRequestsException past a per-user or the server's sandbox limit (429)
     * @throws InsufficientStorageException when the data dir cannot hold its disk (507)
     */
    public void admit(Candidate job, Runnable accept) {
        synchronized (lock) {
            check(job);
            accept.run();
        }
    }

    private void check(Candidate job) {
        List<ActiveJob> active = queries.activeJobs();
        List<HostUsage> hosts = hostUsages();
        Map<WorkspaceKey, SandboxLimits> live = workspaceSandboxes(hosts);
        Map<String, Owner> owners = queries.owners(live.keySet().stream().map(WorkspaceKey::value)
                .collect(Collectors.toSet()));
        List<ActiveJob> withJob = new ArrayList<>(active);
        withJob.add(new ActiveJob(CANDIDATE, job.userId(), false, job.workspaceId(), job.limits(), job.workspaceDiskBytes()));
        SandboxLedger before = SandboxLedger.of(active, live, owners);
        SandboxLedger after = SandboxLedger.of(withJob, live, owners);
        checkUser(before.user(job.userId()), after.user(job.userId()), job.limits());
        checkServer(before.server(), after.server());
        checkDisk(DiskRoom.of(hosts, policy.diskReserveBytes(), policy.diskOvercommit()), hosts.size(),
                before.server(), after.server());
    }

    /** What each host holds (single node: the one host). */
    private List<HostUsage> hostUsages() {
        try {
            List<HostUsage> usages = new ArrayList<>();
            for (Agent agent : agents.agents()) {
                usages.add(agent.usage());
            }
            return usages;
        } catch (AgentException | UncheckedIOException e) {
            throw new UnavailableException("admission_unavailable", "cannot read what the host holds, so no job is "
                    + "taken now: " + e.getMessage() + "; see the server log");
        }
    }

    /** The live sandboxes on workspace disks of all hosts together. */
    private static Map<WorkspaceKey, SandboxLimits> workspaceSandboxes(List<HostUsage> hosts) {
        Map<WorkspaceKey, SandboxLimits> live = new HashMap<>();
        hosts.forEach(h -> live.putAll(h.workspaceSandboxes()));
        return live;
    }

    private void checkUser(Totals before, Totals after, SandboxLimits limits) {
        int maxCount = policy.maxSandboxesPerUser();
        if (maxCount > 0 && after.sandboxes() > before.sandboxes() && after.sandboxes() > maxCount) {
            throw new TooManyRequestsException("too_many_sandboxes", "you have " + before.sandboxes()
                    + " sandboxes, the most this server allows per user (--max-sandboxes-per-user " + maxCount + "): "
                    + Refusals.breakdown(before) + ". " + Refusals.whatToDo(before));
        }
        long maxMemory = policy.maxMemoryBytesPerUser();
        if (maxMemory > 0 && after.memoryBytes() > before.memoryBytes() && after.memoryBytes() > maxMemory) {
            throw new TooManyRequestsException("quota_exceeded", "this job's " + Refusals.bytes(limits.memoryBytes())
                    + " of memory would bring your sandboxes to " + Refusals.bytes(after.memoryBytes()) + ", over the "
                    + Refusals.bytes(maxMemory) + " this server allows per user (--max-memory-per-user-mb "
                    + maxMemory / SandboxLimits.MIB + "); you have " + Refusals.breakdown(before) + ". Ask for less with "
                    + "--memory, or " + Refusals.lower(Refusals.whatToDo(before)));
        }
        long maxCpu = policy.maxCpuMillisPerUser();
        if (maxCpu > 0 && after.cpuMillis() > before.cpuMillis() && after.cpuMillis() > maxCpu) {
            throw new TooManyRequestsException("quota_exceeded", "this job's " + Refusals.cpus(limits.cpuMillis())
                    + " CPUs would bring your sandboxes to " + Refusals.cpus(after.cpuMillis()) + ", over the "
                    + Refusals.cpus(maxCpu) + " this server allows per user (--max-cpus-per-user); you have "
                    + Refusals.breakdown(before) + ". Ask for less with --cpus, or "
                    + Refusals.lower(Refusals.whatToDo(before)));
        }
    }

    /** Jobs may wait for running jobs' sandboxes to end, never for kept ones, which may live for ever. */
    private void checkServer(Totals before, Totals after) {
        if (after.sandboxes() > before.sandboxes() && after.kept() > 0 && after.sandboxes() > maxConcurrentJobs) {
            throw new TooManyRequestsException("server_full", "this server's " + maxConcurrentJobs + " sandboxes "
                    + "(--max-concurrent-jobs) are taken, " + after.kept() + " of them by sandboxes kept alive after "
                    + "their script (-p), which do not end by themselves; a job does not wait behind them. Try again when "
                    + "jobs have ended, or, if you keep a sandbox, stop it with `mags stop NAME`.");
        }
    }

    private void checkDisk(DiskRoom room, int hosts, Totals before, Totals after) {
        long adds = after.newDiskBytes() - before.newDiskBytes();
        if (adds <= 0) {
            return;
        }
        long promised = room.growableBytes() + after.newDiskBytes();
        if (promised > room.promisableBytes()) {
            String where = hosts == 1 ? "the data dir's file system has " : "the " + hosts + " agents' hosts have ";
            throw new InsufficientStorageException("insufficient_storage", "not enough disk space on this server for "
                    + "this job's " + Refusals.bytes(adds) + " sandbox disk: " + where
                    + Refusals.bytes(room.freeBytes()) + " free, " + Refusals.bytes(policy.diskReserveBytes())
                    + (hosts == 1 ? " of it" : " on each") + " kept in reserve (--disk-reserve-gb), and the disks of "
                    + "live sandboxes and of jobs waiting to start may still take " + Refusals.bytes(promised - adds)
                    + (policy.diskOvercommit() == 1.0 ? "" : " of " + Refusals.bytes(room.promisableBytes())
                    + " promisable (--disk-overcommit " + policy.diskOvercommit() + ")") + ". Ask for a smaller disk "
                    + "(--disk), or try again when jobs have ended.");
        }
        if (adds > room.largestBytes()) {
            throw new InsufficientStorageException("insufficient_storage", "no agent's host has room for this job's "
                    + Refusals.bytes(adds) + " sandbox disk (a disk is never split across hosts): the most one host "
                    + "can still take is " + Refusals.bytes(Math.max(0, room.largestBytes())) + " above its "
                    + Refusals.bytes(policy.diskReserveBytes()) + " reserve (--disk-reserve-gb). Ask for a smaller "
                    + "disk (--disk), or try again when jobs have ended.");
        }
    }
}
