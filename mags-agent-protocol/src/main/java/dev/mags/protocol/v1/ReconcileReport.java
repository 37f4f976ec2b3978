package dev.mags.protocol.v1;

import java.util.List;

/**
 * What an agent found and reaped when it reconciled its host with the sandboxes it should have.
 *
 * @param reapedSandboxIds ids of sandboxes whose leftovers (containers, mounts, cgroups, dirs) were removed
 * @param problems leftovers it could not remove, each described for an operator
 */
public record ReconcileReport(List<String> reapedSandboxIds, List<String> problems) {
    public ReconcileReport {
        reapedSandboxIds = List.copyOf(reapedSandboxIds);
        problems = List.copyOf(problems);
    }
}
