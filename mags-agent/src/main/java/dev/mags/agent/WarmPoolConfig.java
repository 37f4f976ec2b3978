package dev.mags.agent;

import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which sandboxes the agent keeps created and started in advance, so that a job of that kind only
 * pays for {@code runc exec}. A job takes a pool member when its image, limits and network match an
 * entry exactly; any other job gets a sandbox created for it.
 *
 * @param entries one per kind of sandbox kept warm; empty to keep none
 * @param fillConcurrency most pool members created at once (refills run in the background, beside jobs)
 */
public record WarmPoolConfig(List<Entry> entries, int fillConcurrency) {
    public static final int DEFAULT_SIZE = 2;
    public static final int DEFAULT_FILL_CONCURRENCY = 1;

    /**
     * @param size how many of this kind to keep ready; 0 keeps none
     */
    public record Entry(String image, SandboxLimits limits, NetworkMode network, int size) {
        public Entry {
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(network, "network");
        }
    }

    public WarmPoolConfig {
        entries = List.copyOf(entries);
        List<String> problems = new ArrayList<>();
        Set<Entry> kinds = new HashSet<>();
        for (Entry e : entries) {
            if (e.size() < 0) {
                problems.add("the warm pool size of image " + e.image() + " must be zero or more, not " + e.size());
            }
            if (!kinds.add(new Entry(e.image(), e.limits(), e.network(), 0))) {
                problems.add("image " + e.image() + " with the same limits and network is listed twice in the warm pool");
            }
        }
        if (fillConcurrency < 1) {
            problems.add("the warm pool's fill concurrency must be at least 1, not " + fillConcurrency);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** {@code size} sandboxes of {@code image} with default limits and no network (what jobs get by default). */
    public static WarmPoolConfig of(String image, int size) {
        return new WarmPoolConfig(List.of(new Entry(image, SandboxLimits.DEFAULT, NetworkMode.NONE, size)),
                DEFAULT_FILL_CONCURRENCY);
    }

    /** No warm pool: every sandbox is created when its job comes. */
    public static WarmPoolConfig disabled() {
        return new WarmPoolConfig(List.of(), DEFAULT_FILL_CONCURRENCY);
    }

    /** The entries that keep at least one sandbox. */
    public List<Entry> active() {
        return entries.stream().filter(e -> e.size() > 0).toList();
    }
}
