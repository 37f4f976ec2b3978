package dev.mags.controlplane.state;

import dev.mags.protocol.v2.SandboxLimits;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** Read-only queries across all users, for the admission of new jobs. */
public final class AdmissionQueries {
    /**
     * A job that is pending or running.
     *
     * @param running            its script runs (a persistent job whose script ended keeps its sandbox, and is not)     *
     * @param workspaceId        its workspace's name, null for none
     * @param workspaceDiskBytes the disk size its workspace was resized to, null when not resized (or none)
     */
    public record ActiveJob(String id, String userId, boolean running, String workspaceId, SandboxLimits limits,
                            Long workspaceDiskBytes) {}

    /** A workspace row's owner and name. */
    public record Owner(String userId, String name) {}

    private final Jdbi jdbi;

    public AdmissionQueries(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Every pending and running job, of every user. */
    public List<ActiveJob> activeJobs() {
        return jdbi.withHandle(h -> h.createQuery("SELECT j.id, j.user_id, j.status, j.exit_code, j.workspace_id, j.memory_bytes, "
                        + "j.cpu_millis, j.disk_bytes, j.pids, w.disk_bytes AS workspace_disk_bytes FROM jobs j "
                        + "LEFT JOIN workspaces w ON w.user_id = j.user_id AND w.name = j.workspace_id "
                        + "WHERE j.status IN ('pending', 'running')")
                .map((rs, ctx) -> {
                    // a persistent job whose script has ended (its exit code is set) runs nothing: its sandbox is kept
                    boolean runningRow = "running".equals(rs.getString("status"));
                    rs.getInt("exit_code");
                    boolean running = runningRow && rs.wasNull();
                    long memory = rs.getLong("memory_bytes");
                    SandboxLimits limits = rs.wasNull() ? SandboxLimits.DEFAULT
                            : new SandboxLimits(memory, rs.getLong("cpu_millis"), rs.getLong("disk_bytes"), rs.getLong("pids"));
                    long wsDisk = rs.getLong("workspace_disk_bytes");
                    return new ActiveJob(rs.getString("id"), rs.getString("user_id"), running,
                            rs.getString("workspace_id"), limits, rs.wasNull() ? null : wsDisk);
                })
                .list());
    }

    /** The owners of the workspaces with these agent keys; keys without a row are left out. */
    public Map<String, Owner> owners(Collection<String> agentKeys) {
        if (agentKeys.isEmpty()) {
            return Map.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT user_id, name, agent_key FROM workspaces WHERE agent_key IN (<keys>)")
                .bindList("keys", List.copyOf(agentKeys))
                .map((rs, ctx) -> Map.entry(rs.getString("agent_key"), new Owner(rs.getString("user_id"), rs.getString("name"))))
                .list()
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a)));
    }
}
