package dev.mags.dist;

import dev.mags.agent.AgentConfig;
import dev.mags.wire.tls.PemTls;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code magsd agent}: runs this host's sandboxes for the control planes of a cluster. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run this host's sandboxes for a cluster: serve the agent to the control planes "
                + "(magsd control-plane) and send them a heartbeat every 2 seconds. Workspaces are synced to the "
                + "cluster's S3 store (--s3-endpoint).",
        footer = {"", "bin/magsd runs the JVM with -Xmx from MAGS_HEAP (default 1g)",
            "and -XX:+ExitOnOutOfMemoryError; MAGS_JAVA_OPTS adds JVM options."})
final class AgentCommand implements Callable<Integer> {

    @Mixin
    DirOptions dirs;

    @Mixin
    JobDefaultsOptions jobDefaults;

    @Mixin
    RuntimeOptions runtime;

    @Mixin
    StorageOptions storage;

    @Option(names = "--control-plane", required = true, defaultValue = "${env:MAGS_CONTROL_PLANE}",
            description = "URL of the control plane (any replica, or the load balancer in front of them), e.g. "
                    + "http://mags-control-plane:8080 (env MAGS_CONTROL_PLANE).")
    String controlPlane;

    @Option(names = "--agent-secret-file", defaultValue = "${env:MAGS_AGENT_SECRET_FILE}", paramLabel = "FILE",
            description = "File holding the secret control planes and agents share (16 or more characters; env "
                    + "MAGS_AGENT_SECRET_FILE). Required.")
    Path secretFile;

    @Option(names = "--listen", defaultValue = "${env:MAGS_AGENT_LISTEN:-0.0.0.0:7070}",
            description = "HOST:PORT the agent serves the control planes on (env MAGS_AGENT_LISTEN, default "
                    + "${DEFAULT-VALUE}). Every call needs the agent secret; still, let only the control planes reach it.")
    String listen;

    @Option(names = "--advertise-url", defaultValue = "${env:MAGS_AGENT_ADVERTISE_URL}",
            description = "URL the control planes reach this agent at (env MAGS_AGENT_ADVERTISE_URL; default "
                    + "http://<host name>:<port of --listen>, or the --listen address when it is not 0.0.0.0; https:// with "
                    + "--tls-cert).")
    String advertiseUrl;

    @Option(names = "--agent-id", defaultValue = "${env:MAGS_AGENT_ID}",
            description = "This agent's name in the cluster, unique (env MAGS_AGENT_ID; default the host name).")
    String agentId;

    @Option(names = "--max-sandboxes", defaultValue = "${env:MAGS_MAX_SANDBOXES:-64}",
            description = "Sandboxes on this host at most; a create beyond it is refused and placed on another "
                    + "agent (env MAGS_MAX_SANDBOXES, default ${DEFAULT-VALUE}).")
    int maxSandboxes;

    @Option(names = "--tls-cert", defaultValue = "${env:MAGS_AGENT_TLS_CERT}", paramLabel = "FILE",
            description = "Serve the control planes over HTTPS with this PEM certificate chain, leaf first, whose names "
                    + "include the host of --advertise-url (env MAGS_AGENT_TLS_CERT). Needs --tls-key; the control "
                    + "planes check it against their --agent-ca.")
    Path tlsCert;

    @Option(names = "--tls-key", defaultValue = "${env:MAGS_AGENT_TLS_KEY}", paramLabel = "FILE",
            description = "The PEM private key (PKCS #8) of --tls-cert (env MAGS_AGENT_TLS_KEY).")
    Path tlsKey;

    @Option(names = "--control-plane-ca", defaultValue = "${env:MAGS_CONTROL_PLANE_CA}", paramLabel = "FILE",
            description = "PEM certificates to check an https --control-plane against, e.g. a private CA's (env "
                    + "MAGS_CONTROL_PLANE_CA; default the JVM's trusted CAs).")
    Path controlPlaneCa;

    AgentNodeConfig config() throws UnknownHostException {
        HostPort own = HostPort.parse("--listen", listen);
        String host = InetAddress.getLocalHost().getHostName();
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("give --tls-cert and --tls-key together (the certificate and its key)");
        }
        SSLContext tls = tlsCert == null ? null : PemTls.server(tlsCert, tlsKey);
        URI advertise = advertiseUrl != null && !advertiseUrl.isBlank() ? URI.create(advertiseUrl)
                : URI.create((tls == null ? "http" : "https") + "://" + (own.host().equals("0.0.0.0") ? host
                        : own.host()) + ":" + own.port());
        var defaults = jobDefaults.defaults();
        AgentConfig agent = Agents.config(dirs.dataDir(), dirs.imagesDir(), runtime.runtime, runtime.cgroupParent,
                Agents.warmPool(jobDefaults.defaultImage, defaults, runtime.warmPoolSize), runtime.egressPolicy());
        if (storage.s3Endpoint == null || storage.s3Endpoint.isBlank()) {
            throw new IllegalArgumentException("an agent needs the cluster's S3 store: give --s3-endpoint, "
                    + "--s3-access-key and --s3-secret-key (the same as the control planes')");
        }
        return new AgentNodeConfig(agent, new WorkspaceStorageNode.Settings(dirs.dataDir(), storage.s3(),
                storage.snapshotKeep, Duration.ofSeconds(storage.workspaceSyncIntervalSeconds), () -> false),
                URI.create(controlPlane), SecretFile.read(secretFile), own, advertise,
                agentId == null || agentId.isBlank() ? host : agentId, maxSandboxes, tls,
                controlPlaneCa == null ? null : PemTls.trusting(controlPlaneCa));
    }

    @Override
    public Integer call() throws Exception {
        AgentNodeConfig cfg = config();
        CountDownLatch stopped = new CountDownLatch(1);
        AgentNode node = AgentNode.start(cfg);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "magsd-agent-shutdown"));
        stopped.await();
        return 0;
    }
}
