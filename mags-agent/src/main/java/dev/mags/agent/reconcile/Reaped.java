package dev.mags.agent.reconcile;

import java.util.List;
import java.util.stream.Stream;

/**
 * What a sweep of the host reaped: the ids (container or sandbox ids, as the leftovers name them) whose
 * leftovers were removed, and what could not be removed, each described for an operator.
 */
public record Reaped(List<String> ids, List<String> problems) {
    public Reaped {
        ids = List.copyOf(ids);
        problems = List.copyOf(problems);
    }

    /** Both sweeps' findings, each id once, sorted. */
    public Reaped and(Reaped other) {
        return new Reaped(Stream.concat(ids.stream(), other.ids.stream()).distinct().sorted().toList(),
                Stream.concat(problems.stream(), other.problems.stream()).toList());
    }
}
