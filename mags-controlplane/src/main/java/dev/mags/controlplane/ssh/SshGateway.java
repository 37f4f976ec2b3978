package dev.mags.controlplane.ssh;

import dev.mags.controlplane.ssh.session.GatewayChannel;
import dev.mags.controlplane.ssh.session.SandboxSftp;
import dev.mags.controlplane.ssh.session.SessionCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.session.SessionHeartbeatController.HeartbeatType;
import org.apache.sshd.common.CommonModuleProperties;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH gateway: an SSH server (Apache MINA SSHD) that a stock OpenSSH client logs in to with a key a user
 * registered, where the login name names one of that user's sandboxes. Sessions run shells and commands as
 * execs in the sandbox; the {@code sftp} subsystem (and legacy scp) work on its files. Nothing else: no
 * passwords or keyboard-interactive logins, no port, agent or X11 forwarding. See docs/ARCHITECTURE.md, "SSH
 * gateway".
 */
public final class SshGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SshGateway.class);
    /** OpenSSH's MaxAuthTries. */
    private static final int MAX_AUTH_TRIES = 6;
    /** OpenSSH's MaxSessions: channels (shells, commands, SFTP) open at once on one connection. */
    private static final int MAX_CHANNELS = 10;
    private static final Duration LOGIN_GRACE = Duration.ofSeconds(60);
    /** An SSH_MSG_IGNORE this often: a peer that vanished without closing is found out by TCP. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(60);
    /**
     * How long output may wait for a client that grants no window (a suspended {@code ssh}, a full terminal):
     * as long as it takes, as with OpenSSH's sshd; the process waits meanwhile and nothing piles up.
     */
    private static final Duration OUTPUT_WAIT = Duration.ofDays(365);

    private final SshServer server;
    private final int port;
    private final MeterRegistry meters;
    private final List<Meter> registered;

    private SshGateway(SshServer server, int port, MeterRegistry meters, List<Meter> registered) {
        this.server = server;
        this.port = port;
        this.meters = meters;
        this.registered = registered;
    }

    /**
     * Starts the gateway; the host key is made on first start (see {@link HostKey}). Its meters
     * ({@code mags_ssh_sessions_open}, {@code mags_ssh_sessions_started_total}) go to {@code meters} until it closes.
     */
    public static SshGateway start(SshGatewayConfig config, SshUserKeys keys, SshTargets targets, MeterRegistry meters) {
        KeyPair hostKey = HostKey.loadOrCreate(config.hostKeyFile());
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost(config.host());
        server.setPort(config.port());
        server.setKeyPairProvider(HostKey.provider(hostKey));
        server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        server.setPublickeyAuthenticator(new KeyAuthenticator(keys));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        server.setAgentFactory(null);
        // Session channels only: direct-tcpip (ssh -L, -W) is refused at channel open.
        server.setChannelFactories(List.of(GatewayChannel.FACTORY));
        SessionCommands commands = new SessionCommands(targets);
        server.setShellFactory(commands);
        server.setCommandFactory(commands);
        server.setSubsystemFactories(List.of(new SandboxSftp(targets)));
        configure(server);
        Counter logins = Counter.builder("mags.ssh.sessions.started").description("SSH logins to the gateway")
                .register(meters);
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated) {
                    logins.increment();
                }
            }
        });
        Gauge open = Gauge.builder("mags.ssh.sessions.open", server,
                        s -> s.getActiveSessions().stream().filter(Session::isAuthenticated).count())
                .description("SSH connections logged in to the gateway now").register(meters);
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for SSH on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage() + " (choose another address with --ssh-listen)", e);
        }
        int port = boundPort(server, config.port());
        LOG.info("SSH gateway listening on {}:{}, host key ED25519 {}", config.host(), port,
                HostKey.fingerprint(hostKey));
        return new SshGateway(server, port, meters, List.of(logins, open));
    }

    private static void configure(SshServer server) {
        CoreModuleProperties.SERVER_IDENTIFICATION.set(server, "mags");
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, MAX_AUTH_TRIES);
        CoreModuleProperties.AUTH_TIMEOUT.set(server, LOGIN_GRACE);
        CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(server, MAX_CHANNELS);
        // A shell may sit idle at its prompt for hours, as with OpenSSH's sshd (which has no idle timeout).
        CoreModuleProperties.IDLE_TIMEOUT.set(server, Duration.ZERO);
        CoreModuleProperties.WAIT_FOR_SPACE_TIMEOUT.set(server, OUTPUT_WAIT);
        CoreModuleProperties.SOCKET_KEEPALIVE.set(server, true);
        // As sshd: a keystroke's echo and small window adjustments go out at once, not after the peer's ACK.
        CoreModuleProperties.TCP_NODELAY.set(server, true);
        CommonModuleProperties.SESSION_HEARTBEAT_TYPE.set(server, HeartbeatType.IGNORE);
        CommonModuleProperties.SESSION_HEARTBEAT_INTERVAL.set(server, HEARTBEAT);
        // Transport threads also look up the sandbox of an SFTP or scp channel: a few more than cores + 1 keep one
        // slow lookup (a sandbox waking up) from stalling other connections.
        CoreModuleProperties.NIO_WORKERS.set(server, Math.max(8, Runtime.getRuntime().availableProcessors() + 1));
    }

    private static int boundPort(SshServer server, int configured) {
        for (SocketAddress address : server.getBoundAddresses()) {
            if (address instanceof InetSocketAddress inet) {
                return inet.getPort();
            }
        }
        return configured;
    }

    /** The port the gateway listens on (the one picked when configured as 0). */
    public int port() {
        return port;
    }

    /** Closes every connection (their processes are hung up) and stops listening; harmless twice. */
    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException e) {
            LOG.warn("SSH gateway: stopping failed", e);
        }
        registered.forEach(meters::remove);
    }
}
