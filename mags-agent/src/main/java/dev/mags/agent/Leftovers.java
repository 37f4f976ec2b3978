package dev.mags.agent;

import dev.mags.agent.network.NetworkReaper;
import dev.mags.agent.reconcile.Reaped;
import dev.mags.agent.reconcile.Reconciler;
import dev.mags.protocol.v2.ReconcileReport;
import dev.mags.protocol.v2.SandboxId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What earlier runs (or a crash) left on the host: network helpers, then containers, mounts, loop devices,
 * cgroups and directories of every sandbox not spared, reported by sandbox id.
 */
final class Leftovers {
    private static final Logger log = LoggerFactory.getLogger(Leftovers.class);

    private final NetworkReaper networkReaper;
    private final Reconciler reconciler;
    private final Path sandboxesDir;

    Leftovers(NetworkReaper networkReaper, Reconciler reconciler, Path sandboxesDir) {
        this.networkReaper = networkReaper;
        this.reconciler = reconciler;
        this.sandboxesDir = sandboxesDir;
    }

    /** Removes everything of the sandboxes and containers not in {@code spared}; the caller holds off builds. */
    ReconcileReport reap(Set<String> spared) {
        // Network helpers first: they hold their sandbox's directory and namespace.
        NetworkReaper.Reaped network = networkReaper.reap(sandboxesDir, spared);
        Reaped rest = reconciler.reconcile(spared).and(new Reaped(network.sandboxIds(), network.problems()));
        List<SandboxId> reaped = new ArrayList<>();
        List<String> problems = new ArrayList<>(rest.problems());
        for (String id : rest.ids()) {
            if (id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
                reaped.add(SandboxId.of(id));
            } else {
                problems.add("removed leftovers named '" + id + "', which is no sandbox id");
            }
        }
        if (!reaped.isEmpty() || !problems.isEmpty()) {
            log.info("reconcile reaped {}; problems: {}", reaped, problems);
        }
        return new ReconcileReport(reaped, problems);
    }
}
