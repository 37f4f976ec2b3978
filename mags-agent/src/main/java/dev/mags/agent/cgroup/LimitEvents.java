package dev.mags.agent.cgroup;

import java.util.Optional;

/**
 * How often the kernel enforced a sandbox's limits, read from its cgroups before they are removed.
 * An OOM kill is otherwise silent: the process just dies with SIGKILL (exit 137).
 *
 * @param oomKills processes the OOM killer killed at the memory limit ({@code oom_kill} in
 *     {@code memory.oom_control} on cgroup v1, {@code memory.events} on v2)
 * @param pidsLimitHits forks refused at the pids limit ({@code max} in {@code pids.events})
 */
public record LimitEvents(long oomKills, long pidsLimitHits) {
    public static final LimitEvents NONE = new LimitEvents(0, 0);

    /** The events counted since {@code earlier} (a reading of the same cgroups). */
    public LimitEvents since(LimitEvents earlier) {
        return new LimitEvents(Math.max(0, oomKills - earlier.oomKills), Math.max(0, pidsLimitHits - earlier.pidsLimitHits));
    }

    /** The events of sandbox {@code id}; zero for a controller that is not there. */
    public static LimitEvents read(CgroupTree cgroups, String parent, String id) {
        long oomKills = cgroups.read(parent, id, "memory.oom_control")
                .or(() -> cgroups.read(parent, id, "memory.events"))
                .flatMap(text -> counter(text, "oom_kill"))
                .orElse(0L);
        long pidsHits = cgroups.read(parent, id, "pids.events").flatMap(text -> counter(text, "max")).orElse(0L);
        return new LimitEvents(oomKills, pidsHits);
    }

    /** The value of the line {@code "<name> <value>"} in a flat-keyed cgroup file. */
    static Optional<Long> counter(String text, String name) {
        return text.lines()
                .map(String::strip)
                .filter(l -> l.startsWith(name + " "))
                .map(l -> Long.parseLong(l.substring(name.length() + 1).strip()))
                .findFirst();
    }
}
