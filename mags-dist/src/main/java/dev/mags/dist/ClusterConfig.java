package dev.mags.dist;

import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.controlplane.state.DatabaseUrl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Every setting of one {@code magsd control-plane} process (a replica of a cluster's control plane), resolved once
 * from flags, environment and defaults.
 *
 * @param controlPlane     the API's settings, as for {@code magsd serve}
 * @param database         the cluster's PostgreSQL database
 * @param dataDir          this replica's own files (the admin token it may create, storage's local index)
 * @param sshListen        the SSH gateway's address
 * @param sshHostKeyFile   the gateway's host key: give every replica the same file, so clients see one host
 * @param storage          the cluster's S3 store
 * @param secret           the agent secret shared with the agents
 * @param replicaId        this replica's name among the others (new for each start unless given)
 * @param agentLostAfter   an agent silent this long is lost: its sandboxes end, their jobs too
 * @param replicaLostAfter a replica silent this long has stopped: the leader takes over its jobs
 * @param agentCa          what the certificates of agents served over HTTPS are checked against; null for the JDK's
 *                         trusted CAs
 */
record ClusterConfig(ControlPlaneConfig controlPlane, DatabaseUrl database, Path dataDir, HostPort sshListen,
                     Path sshHostKeyFile, WorkspaceStorageNode.Settings storage, String secret, String replicaId,
                     Duration agentLostAfter, Duration replicaLostAfter, SSLContext agentCa) {
    ClusterConfig {
        Objects.requireNonNull(controlPlane, "controlPlane");
        if (database == null) {
            throw new IllegalArgumentException("a control plane keeps the cluster's state in PostgreSQL: give "
                    + "--database-url (or MAGS_DATABASE_URL)");
        }
        if (storage.s3().endpoint() == null || storage.s3().endpoint().isBlank()) {
            throw new IllegalArgumentException("a control plane needs the cluster's S3 store: give --s3-endpoint, "
                    + "--s3-access-key and --s3-secret-key (the same as the agents')");
        }
        if (!replicaId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
            throw new IllegalArgumentException("--replica-id '" + replicaId + "' is not 1 to 63 of [A-Za-z0-9_.-]");
        }
        if (agentLostAfter.toSeconds() < 5 || replicaLostAfter.toSeconds() < 5) {
            throw new IllegalArgumentException("--agent-lost-after and --replica-lost-after must be at least 5 seconds "
                    + "(heartbeats come every 2 s)");
        }
    }

    Path adminTokenFile() {
        return dataDir.resolve("admin-token");
    }
}
