package dev.mags.agent.network;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sandbox's running network: its slirp4netns. {@link #close()} kills slirp4netns and removes
 * its files; closing twice is harmless. A
 * watcher also closes it once the sandbox's init process is gone, so slirp4netns never outlives the
 * sandbox even if nobody calls close.
 */
public final class AttachedNetwork implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AttachedNetwork.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private final String sandboxId;
    private final long initPid;
    private final Optional<Instant> initStart;
    private final Path runDir;
    private final SlirpProcess process;
    private final SlirpApi api;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread watcher;

    AttachedNetwork(String sandboxId, long initPid, Optional<Instant> initStart, Path runDir, SlirpProcess process,
            SlirpApi api) {
        this.sandboxId = sandboxId;
        this.initPid = initPid;
        this.initStart = initStart;
        this.runDir = runDir;
        this.process = process;
        this.api = api;
    }

    public String sandboxId() {
        return sandboxId;
    }

    public long initPid() {
        return initPid;
    }

    public long slirpPid() {
        return process.pid();
    }

    /** The name server the sandbox's {@code /etc/resolv.conf} must name. */
    public String nameserver() {
        return SandboxNetwork.NAMESERVER;
    }

    public boolean isClosed() {
        return closed.get();
    }

    SlirpApi api() {
        return api;
    }

    /** Kills slirp4netns and removes the API socket and the run directory if it is empty. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Thread w = watcher;
        if (w != null && w != Thread.currentThread()) {
            w.interrupt();
        }
        boolean gone = process.kill(KILL_WAIT);
        try {
            Files.deleteIfExists(api.socket());
            Files.deleteIfExists(runDir.resolve(SandboxNetwork.ROUTES));
            Files.deleteIfExists(runDir);
        } catch (DirectoryNotEmptyException e) {
            // the caller keeps other files there
        } catch (IOException e) {
            throw new NetworkException("cannot remove the network files of sandbox " + sandboxId + " in " + runDir
                    + ": " + e, e);
        }
        if (!gone) {
            throw new NetworkException("slirp4netns (pid " + process.pid() + ") of sandbox " + sandboxId
                    + " did not end within " + KILL_WAIT.toSeconds() + " s of SIGKILL");
        }
    }

    /** Starts the watcher that closes this network once the sandbox's init process has gone. */
    void watch(Duration interval) {
        watcher = Thread.ofVirtual().name("network-watch-" + sandboxId).start(() -> {
            boolean reportedSlirpEnd = false;
            while (!closed.get()) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
                if (!initAlive()) {
                    log.info("sandbox {}: init process {} has ended; stopping its network", sandboxId, initPid);
                    try {
                        close();
                    } catch (RuntimeException e) {
                        log.warn("sandbox {}: {}", sandboxId, e.getMessage());
                    }
                    return;
                }
                if (!reportedSlirpEnd && !process.isAlive() && !closed.get()) {
                    reportedSlirpEnd = true;
                    log.warn("sandbox {}: slirp4netns exited with code {}; the sandbox has lost its network. Output: {}",
                            sandboxId, process.exitCode(), process.output());
                }
            }
        });
    }

    private boolean initAlive() {
        return ProcessHandle.of(initPid)
                .filter(ProcessHandle::isAlive)
                .map(h -> initStart.isEmpty() || h.info().startInstant().equals(initStart))
                .orElse(false);
    }
}
