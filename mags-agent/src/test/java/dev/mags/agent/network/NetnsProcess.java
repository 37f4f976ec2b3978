package dev.mags.agent.network;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code sleep} in network namespaces of its own, standing in for a container's init. Commands and
 * servers run in its network namespace through {@code nsenter}. Closing kills the servers and the
 * sleep, which ends the namespace. Nothing is named on the host, so nothing can be left behind.
 */
final class NetnsProcess implements AutoCloseable {
    static final Path NETSERVER = resource("netserver.py");

    private final Process process;
    private final List<Server> servers = new CopyOnWriteArrayList<>();

    private NetnsProcess(List<String> argv) {
        try {
            this.process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Like a runc container with a user namespace: a network namespace owned by a new user namespace. */
    static NetnsProcess sandbox() {
        return new NetnsProcess(List.of("unshare", "--user", "--map-root-user", "--net", "sleep", "300")).awaitUnshared();
    }

    /** A plain network namespace owned by the host's user namespace. */
    static NetnsProcess plain() {
        return new NetnsProcess(List.of("unshare", "--net", "sleep", "300")).awaitUnshared();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Runs {@code argv} in this network namespace, as host root. */
    Cmd exec(String... argv) {
        return Cmd.run(Stream.concat(Stream.of("nsenter", "--target", Long.toString(pid()), "--net", "--"), Stream.of(argv)).toList());
    }

    /**
     * Runs {@code argv} as the sandbox's root would: inside its user namespace too, with
     * CAP_NET_ADMIN and CAP_NET_RAW dropped from the bounding set, as the container spec drops them.
     */
    Cmd execAsSandboxRoot(String... argv) {
        List<String> full = new ArrayList<>(List.of("nsenter", "--target", Long.toString(pid()), "--user", "--net", "--",
                "setpriv", "--bounding-set", "-net_admin,-net_raw", "--"));
        full.addAll(List.of(argv));
        return Cmd.run(full);
    }

    /** {@code netserver.py tcp-get HOST PORT} from inside. */
    Cmd tcpGet(String host, int port) {
        return exec("python3", NETSERVER.toString(), "tcp-get", host, Integer.toString(port));
    }

    Cmd udpGet(String host, int port, String message) {
        return exec("python3", NETSERVER.toString(), "udp-get", host, Integer.toString(port), message);
    }

    /** Starts {@code netserver.py MODE ARGS...} in this namespace and waits until it is bound. */
    Server serve(String... modeAndArgs) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "--target", Long.toString(pid()), "--net", "--",
                "python3", "-u", NETSERVER.toString()));
        argv.addAll(List.of(modeAndArgs));
        Server server = new Server(argv);
        servers.add(server);
        return server;
    }

    @Override
    public void close() throws InterruptedException {
        for (Server s : servers) {
            s.close();
        }
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private NetnsProcess awaitUnshared() {
        // unshare execs sleep once the namespaces exist; until then the pid's comm is "unshare".
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            String comm = ProcessHandle.of(pid()).flatMap(h -> h.info().command()).orElse("");
            if (comm.endsWith("/sleep") || comm.equals("sleep")) {
                return this;
            }
            if (!process.isAlive()) {
                throw new AssertionError("unshare failed: exit " + process.exitValue());
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        throw new AssertionError("unshare did not exec sleep within 5 s");
    }

    private static Path resource(String name) {
        try {
            return Path.of(NetnsProcess.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A netserver.py server; {@link #peers()} lists the lines it printed after "ready". */
    static final class Server implements AutoCloseable {
        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        Server(List<String> argv) {
            try {
                process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            CompletableFuture<Void> ready = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.equals("ready")) {
                            ready.complete(null);
                        } else {
                            lines.add(line);
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
                ready.completeExceptionally(new AssertionError("server " + argv + " ended: " + lines));
            });
            ready.orTimeout(10, TimeUnit.SECONDS).join();
        }

        List<String> peers() {
            return List.copyOf(lines);
        }

        /** Waits a little for lines still on their way, then returns them. */
        List<String> peersAfter(Duration settle) throws InterruptedException {
            Thread.sleep(settle);
            return peers();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
