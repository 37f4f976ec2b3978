package dev.mags.protocol.v2;

import java.util.List;

/**
 * What an agent found and reaped when it reconciled its host with the sandboxes it should have.
 *
 * @param reaped   sandboxes (and warm pool members, by their own ids) whose leftovers (containers, mounts,
 *                 cgroups, dirs) were removed
 * @param problems leftovers it could not remove, each described for an operator
 */
public record ReconcileReport(List<SandboxId> reaped, List<String> problems) {
    public ReconcileReport {
        reaped = List.copyOf(reaped);
        problems = List.copyOf(problems);
    }
}
