package dev.mags.dist;

import dev.mags.agent.AgentConfig;
import java.net.URI;
import java.util.Objects;
import javax.net.ssl.SSLContext;

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
 * @param tls           the agent's own certificate, served to the control planes over HTTPS; null for plain HTTP
 * @param controlPlaneCa what an {@code https} control plane's certificate is checked against; null for the JDK's CAs
 */
record AgentNodeConfig(AgentConfig agent, WorkspaceStorageNode.Settings storage, URI controlPlane, String secret,
                       HostPort listen, URI advertise, String agentId, int slots, SSLContext tls,
                       SSLContext controlPlaneCa) {
    AgentNodeConfig {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(controlPlane, "controlPlane");
        boolean httpsAdvertised = "https".equalsIgnoreCase(advertise.getScheme());
        if (tls != null && !httpsAdvertised) {
            throw new IllegalArgumentException("the agent serves HTTPS (--tls-cert), but --advertise-url " + advertise
                    + " says http: advertise an https:// URL");
        }
        if (tls == null && httpsAdvertised) {
            throw new IllegalArgumentException("--advertise-url " + advertise + " is https, but the agent serves plain "
                    + "HTTP: give it --tls-cert and --tls-key");
        }
        if (slots < 1) {
            throw new IllegalArgumentException("--max-sandboxes must be at least 1");
        }
        if (!agentId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
            throw new IllegalArgumentException("--agent-id '" + agentId + "' is not 1 to 63 of [A-Za-z0-9_.-]");
        }
    }
}
