package dev.mags.agent.cgroup;

import dev.mags.protocol.v2.SandboxUse;
import java.util.Optional;

/**
 * A sandbox's CPU time and peak memory from its cgroups: {@code cpu.stat} {@code usage_usec} and
 * {@code memory.peak} on cgroup v2, {@code cpuacct.usage} (nanoseconds) and {@code memory.max_usage_in_bytes} on v1.
 * Read before the cgroups are removed; what cannot be read counts 0.
 */
public final class ResourceUse {
    private ResourceUse() {}

    public static SandboxUse read(CgroupTree cgroups, String parent, String id) {
        long cpu = cgroups.read(parent, id, "cpu.stat").flatMap(t -> field(t, "usage_usec"))
                .or(() -> cgroups.read(parent, id, "cpuacct.usage").flatMap(ResourceUse::number).map(ns -> ns / 1000))
                .orElse(0L);
        long peak = cgroups.read(parent, id, "memory.peak").flatMap(ResourceUse::number)
                .or(() -> cgroups.read(parent, id, "memory.max_usage_in_bytes").flatMap(ResourceUse::number))
                .orElse(0L);
        return new SandboxUse(Math.max(0, cpu), Math.max(0, peak));
    }

    static Optional<Long> field(String text, String key) {
        for (String line : text.split("\n")) {
            String[] kv = line.strip().split("\\s+");
            if (kv.length == 2 && kv[0].equals(key)) {
                return number(kv[1]);
            }
        }
        return Optional.empty();
    }

    static Optional<Long> number(String text) {
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
