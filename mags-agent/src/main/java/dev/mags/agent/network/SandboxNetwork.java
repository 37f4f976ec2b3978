package dev.mags.agent.network;

import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a sandbox outbound networking. Called once the container's network namespace exists and
 * before anything untrusted runs in it: once the container runs (its init only waits for a job then),
 * with the pid of the container's init. {@link #attach} starts slirp4netns
 * for that namespace, waits until it answers, and adds the {@link SandboxRoutes} that keep the host,
 * link-local and the policy's denied networks out of reach.
 *
 * <p>The sandbox's {@code /etc/resolv.conf} must name {@link #NAMESERVER} ({@link #resolvConf()}):
 * slirp4netns answers DNS there by asking the host's resolvers.
 */
public final class SandboxNetwork {
    private static final Logger log = LoggerFactory.getLogger(SandboxNetwork.class);

    public static final String NAMESERVER = Slirp4netns.NAMESERVER;
    static final String API_SOCKET = "slirp.sock";
    static final String ROUTES = "routes";

    /** How long attach, the API and the watcher may take; tests shorten them. */
    public record Timings(Duration ready, Duration api, Duration watchInterval) {
        public static Timings defaults() {
            return new Timings(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1));
        }
    }

    private final Slirp4netns slirp;
    private final Ip ip;
    private final EgressPolicy policy;
    private final HostAddresses hostAddresses;
    private final Path proc;
    private final Timings timings;

    public SandboxNetwork(CommandRunner runner, EgressPolicy policy) {
        this(new Slirp4netns(runner.launcher()), new Ip(runner), policy, HostAddresses.system(), Path.of("/proc"),
                Timings.defaults());
    }

    /** @param proc normally {@code /proc}: where the namespaces of the sandbox and of the agent are compared */
    public SandboxNetwork(Slirp4netns slirp, Ip ip, EgressPolicy policy, HostAddresses hostAddresses, Path proc,
            Timings timings) {
        this.slirp = Objects.requireNonNull(slirp, "slirp");
        this.ip = Objects.requireNonNull(ip, "ip");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.hostAddresses = Objects.requireNonNull(hostAddresses, "hostAddresses");
        this.proc = Objects.requireNonNull(proc, "proc");
        this.timings = Objects.requireNonNull(timings, "timings");
    }

    /** The whole of a sandbox's {@code /etc/resolv.conf}. */
    public static String resolvConf() {
        return "nameserver " + NAMESERVER + "\n";
    }

    /**
     * Starts the network of the namespace {@code initPid} is in.
     *
     * @param sandboxId for messages and logs
     * @param initPid a process in the sandbox's network namespace (the container's init)
     * @param runDir where the API socket goes; must lie in the sandbox's directory
     *     ({@code <sandboxesDir>/<sandboxId>/...}) so that {@link NetworkReaper} can tell whose it is.
     *     Created if missing; removed on close if empty.
     * @throws NetworkException if any step fails; whatever was started is stopped again
     */
    public AttachedNetwork attach(String sandboxId, long initPid, Path runDir) {
        Objects.requireNonNull(sandboxId, "sandboxId");
        if (initPid <= 0) {
            throw new IllegalArgumentException("initPid must be positive, not " + initPid);
        }
        Path dir = runDir.toAbsolutePath().normalize();
        Path socket = dir.resolve(API_SOCKET);
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > SlirpApi.MAX_SOCKET_PATH) {
            throw new NetworkException("cannot attach the network of sandbox " + sandboxId + ": the API socket path "
                    + socket + " is longer than the " + SlirpApi.MAX_SOCKET_PATH + " bytes a Unix socket allows");
        }
        ensureOwnNamespace(sandboxId, initPid);
        Optional<Instant> initStart = ProcessHandle.of(initPid).flatMap(h -> h.info().startInstant());
        Path routes = dir.resolve(ROUTES);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(socket); // left by a slirp4netns that was killed
            Files.write(routes, SandboxRoutes.batch(policy, hostAddresses.current()));
        } catch (IOException e) {
            throw new NetworkException("cannot prepare " + dir + " for the network of sandbox " + sandboxId + ": " + e, e);
        }
        long started = System.nanoTime();
        SlirpProcess process;
        try {
            process = slirp.start(initPid, socket);
        } catch (NetworkException e) {
            deleteQuietly(routes, e);
            throw e;
        }
        AttachedNetwork network = new AttachedNetwork(sandboxId, initPid, initStart, dir, process,
                new SlirpApi(socket, timings.api()));
        try {
            awaitReady(sandboxId, process, network.api());
            ip.batch(initPid, routes);
            Files.delete(routes);
        } catch (RuntimeException | IOException e) {
            NetworkException failure = e instanceof CommandFailedException
                    ? new NetworkException("cannot add the routes of sandbox " + sandboxId + ": " + e.getMessage(), e)
                    : e instanceof NetworkException n ? n
                    : new NetworkException("cannot attach the network of sandbox " + sandboxId + ": " + e, e);
            try {
                network.close();
            } catch (RuntimeException closing) {
                failure.addSuppressed(closing);
            }
            throw failure;
        }
        network.watch(timings.watchInterval());
        log.debug("network of sandbox {} ready in {} ms (slirp4netns pid {})", sandboxId,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), process.pid());
        return network;
    }

    private static void deleteQuietly(Path file, Exception failure) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Refuses a pid in the agent's own network namespace: slirp4netns and the routes would then
     * reconfigure the host itself (a tap device, unreachable routes for private networks).
     */
    private void ensureOwnNamespace(String sandboxId, long initPid) {
        Path theirs = proc.resolve(Long.toString(initPid)).resolve("ns/net");
        Path ours = proc.resolve("self/ns/net");
        try {
            if (Files.readSymbolicLink(theirs).equals(Files.readSymbolicLink(ours))) {
                throw new NetworkException("cannot attach the network of sandbox " + sandboxId + ": process " + initPid
                        + " is in the agent's own network namespace, not a sandbox's");
            }
        } catch (NoSuchFileException e) {
            throw new NetworkException("cannot attach the network of sandbox " + sandboxId + ": process " + initPid
                    + " does not exist (any more)", e);
        } catch (IOException e) {
            throw new NetworkException("cannot attach the network of sandbox " + sandboxId + ": cannot read " + theirs
                    + ": " + e, e);
        }
    }

    private void awaitReady(String sandboxId, SlirpProcess process, SlirpApi api) {
        long deadline = System.nanoTime() + timings.ready().toNanos();
        NetworkException last = null;
        while (true) {
            if (!process.isAlive()) {
                throw new NetworkException("slirp4netns for sandbox " + sandboxId + " exited with code "
                        + process.exitCode() + " before it was ready: " + process.output());
            }
            if (Files.exists(api.socket())) {
                try {
                    api.listHostForwards();
                    return;
                } catch (NetworkException e) {
                    last = e; // bound but not yet listening
                }
            }
            if (System.nanoTime() > deadline) {
                throw new NetworkException("slirp4netns for sandbox " + sandboxId + " was not ready within "
                        + timings.ready().toMillis() + " ms" + (last == null ? "" : ": " + last.getMessage())
                        + "; output: " + process.output());
            }
            LockSupport.parkNanos(500_000);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new NetworkException("interrupted while waiting for slirp4netns of sandbox " + sandboxId);
            }
        }
    }
}
