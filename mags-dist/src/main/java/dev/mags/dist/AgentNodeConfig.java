package dev.mags.dist;

import dev.mags.agent.AgentConfig;
import java.net.URI;
import java.util.Objects;

/**
 * Every setting of one {@code magsd agent} process, resolved once from flags, environment and defaults.
 *
 * @param agent         the host agent's own settings (data dir, images, runtime, cgroup, warm pool, egress)
 * @param storage       the S3 store workspaces are synced to (the cluster's, shared with the control planes)
 * @param controlPlane  where heartbeats go (any control-plane replica, or a load balancer in front of them)
 * @param secret        the cluster's agent secret
 * @param listen        where the agent's server listens for the control planes
 * @param advertise     the URL the control planes reach that server at
 * @param agentId       the agent's name in the cluster
 * @param slots         sandboxes placed here at most
 */
record AgentNodeConfig(AgentConfig agent, WorkspaceStorageNode.Settings storage, URI controlPlane, String secret,
                       HostPort listen, URI advertise, String agentId, int slots) {
    AgentNodeConfig {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(controlPlane, "controlPlane");
        if (slots < 1) {
            throw new IllegalArgumentException("--max-sandboxes must be at least 1");
        }
        if (!agentId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
            throw new IllegalArgumentException("--agent-id '" + agentId + "' is not 1 to 63 of [A-Za-z0-9_.-]");
        }
    }
}
