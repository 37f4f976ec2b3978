package dev.mags.bench;

import dev.mags.api.JobRequest;
import dev.mags.api.JobStatus;
import dev.mags.sdk.Mags;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part {@code urls}: public URLs. On one magsd (no warm pool, {@code --sleep-after} {@link #SLEEP_AFTER_SECONDS}),
 * a persistent job serves a small page on port 8080 and gets a URL; the same client then loads it through the
 * proxy and straight (connections made inside the sandbox's network namespace as magsd's agent makes them,
 * {@link SandboxPort}): {@code proxy_rps} beside {@code direct_rps}, rounds taken in turn, and
 * {@code proxy_added_ms}, the proxied minus the direct time of one request, pairs taken in turn. A second job whose
 * startup command is its server sleeps between samples of {@code wake_on_request_ms}: from {@code sleeping} to the
 * first byte of a request to its URL.
 */
final class UrlsPart {
    static final int SLEEP_AFTER_SECONDS = 1;
    private static final int PORT = PageServer.PORT;
    private static final byte[] PAGE = "hello\n".getBytes(StandardCharsets.US_ASCII);
    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * Connections of the request-rate figures: fewer than busybox httpd's listen backlog (9), past which its
     * queue overflows and a dropped SYN costs a second (its every answer ends the connection).
     */
    private static final int CONNECTIONS = 8;
    /** Where nginx, the floor, listens inside the sandbox. */
    private static final int NGINX_PORT = 18081;

    /** How much of each figure. */
    record Counts(int rounds, Duration window, int latencyPairs, int wakes) {
        static Counts full() {
            return new Counts(3, Duration.ofSeconds(10), 300, 20);
        }

        static Counts quick() {
            return new Counts(1, Duration.ofSeconds(2), 30, 3);
        }
    }

    private final Path repo;
    private final Path work;
    private final Path imagesDir;
    private final String image;
    private final AtomicInteger errors;
    private final PageServer server;
    /** How long the server takes to listen when started in the sandbox: part of every wake on request. */
    private Figure serverStartMs;

    UrlsPart(Path repo, Path work, Path imagesDir, String image, AtomicInteger errors) {
        this.repo = repo;
        this.work = work;
        this.imagesDir = imagesDir;
        this.image = image;
        this.errors = errors;
        this.server = PageServer.of(imagesDir.resolve(image).resolve("rootfs"));
    }

    Map<String, Figure> measure(Counts n) throws Exception {
        Map<String, Figure> figures = new LinkedHashMap<>();
        BenchMain.step("magsd for public URLs: " + server.name() + " through the proxy and straight");
        try (Magsd magsd = new Magsd(repo, work.resolve("urls"), imagesDir, image, List.of("--warm-pool-size", "0",
                "--sleep-after", Integer.toString(SLEEP_AFTER_SECONDS))); Mags mags = Bench.client(magsd)) {
            String web = start(mags, "web", server.command(), null);
            String host = host(mags.enableAccess("web", PORT).url());
            AppGet.Dial viaProxy = () -> SocketChannel.open(new InetSocketAddress("127.0.0.1", magsd.port));
            try (SandboxPort sandbox = new SandboxPort(magsd.dataDir, web, PORT)) {
                AppGet.Dial straight = sandbox::open;
                awaitPage(straight, "127.0.0.1:" + PORT);
                NginxProxy nginx = NginxProxy.installed() ? NginxProxy.start(sandbox.initPid(), work.resolve("nginx"),
                        NGINX_PORT, PORT) : null;
                AppGet.Dial viaNginx = () -> sandbox.open(NGINX_PORT);
                try {
                    if (nginx != null) {
                        awaitPage(viaNginx, "127.0.0.1:" + NGINX_PORT);
                        load(viaNginx, "127.0.0.1:" + NGINX_PORT, CONNECTIONS, n.window());
                    }
                    load(viaProxy, host, CONNECTIONS, n.window()); // warm-up: JIT, thread creation on both sides
                    load(straight, "127.0.0.1:" + PORT, CONNECTIONS, n.window());
                    List<Double> proxied = new ArrayList<>();
                    List<Double> direct = new ArrayList<>();
                    List<Double> floor = new ArrayList<>();
                    for (int r = 0; r < n.rounds(); r++) {
                        BenchMain.step("requests with " + CONNECTIONS + " connections, round " + (r + 1));
                        direct.add(load(straight, "127.0.0.1:" + PORT, CONNECTIONS, n.window()));
                        proxied.add(load(viaProxy, host, CONNECTIONS, n.window()));
                        if (nginx != null) {
                            floor.add(load(viaNginx, "127.0.0.1:" + NGINX_PORT, CONNECTIONS, n.window()));
                        }
                    }
                    figures.put("proxy_rps", Figure.of("req/s", proxied));
                    figures.put("direct_rps", Figure.of("req/s", direct));
                    if (nginx != null) {
                        figures.put("nginx_proxy_rps", Figure.of("req/s", floor));
                    }
                } finally {
                    if (nginx != null) {
                        nginx.close();
                    }
                }
                BenchMain.step(n.latencyPairs() + " single requests each way");
                figures.put("proxy_added_ms", Figure.of("ms", addedMs(viaProxy, host, straight, n.latencyPairs())));
            }
            if (server.startProbe() != null) {
                serverStartMs = Figure.of("ms", serverStarts(mags, web, n.wakes()));
            }
            mags.stop(web);
            BenchMain.step(n.wakes() + " requests to a sleeping sandbox's URL");
            String nap = start(mags, "nap", server.command(), server.command());
            figures.put("wake_on_request_ms", Figure.of("ms", wakes(mags, nap, viaProxy,
                    host(mags.enableAccess("nap", PORT).url()), n.wakes())));
            mags.stop(nap);
        }
        return figures;
    }

    /** A persistent job on workspace {@code name} running {@code script}; its request id once it runs. */
    private static String start(Mags mags, String name, String script, String startupCommand) {
        String id = mags.run(JobRequest.builder(script).name(name).workspaceId(name).persistent(true)
                .startupCommand(startupCommand).build()).requestId();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (mags.status(id).status() != JobStatus.RUNNING) {
            if (System.nanoTime() > deadline || mags.status(id).status().isFinal()) {
                throw new IllegalStateException("job " + name + " is " + mags.status(id) + ", not running");
            }
            Bench.sleep(50);
        }
        return id;
    }

    /** The Host of a URL ({@code http://<sub>.localhost:<port>}). */
    private static String host(String url) {
        return url.substring(url.indexOf("://") + 3).replaceAll("/.*", "");
    }

    /** Waits for the app to answer its page (the server takes a moment to listen after the job starts). */
    private static void awaitPage(AppGet.Dial dial, String host) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (;;) {
            try (AppGet get = new AppGet(dial, host, "/")) {
                if (get.get().answer().status() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the app did not answer within " + WAIT, notYet);
                }
            }
            Bench.sleep(50);
        }
    }

    private double load(AppGet.Dial dial, String host, int connections, Duration window) throws IOException {
        long start = System.nanoTime();
        AppLoad.Counts c = new AppLoad(dial, host, "/", PAGE).run(connections, window);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (c.failed() > 0) {
            error(c.failed() + " wrong or cut answers from " + host);
        }
        return c.ok() / seconds;
    }

    /** Pairs of one request through the proxy and one straight, in turn on two kept clients; proxied minus direct. */
    private List<Double> addedMs(AppGet.Dial viaProxy, String host, AppGet.Dial straight, int pairs) {
        List<Double> added = new ArrayList<>();
        try (AppGet proxy = new AppGet(viaProxy, host, "/"); AppGet direct = new AppGet(straight, "127.0.0.1:" + PORT, "/")) {
            for (int i = 0; i < pairs + 20; i++) {
                AppGet.Timed d = checked(direct.get());
                AppGet.Timed p = checked(proxy.get());
                if (i >= 20) { // the first 20 pairs warm up
                    added.add(p.totalMs() - d.totalMs());
                }
            }
        } catch (IOException e) {
            error("a single request failed: " + e);
        }
        return added;
    }

    /** The server's own start until it listens, timed inside the sandbox (exec's own cost left out). */
    private List<Double> serverStarts(Mags mags, String job, int n) {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try {
                ms.add(Long.parseLong(mags.exec(job, server.startProbe()).stdout().strip()) / 1000.0);
            } catch (RuntimeException e) {
                error("timing the server's start failed: " + e);
            }
        }
        return ms;
    }

    /** Each sample waits for the job to sleep, then times a request to its URL until its first byte. */
    private List<Double> wakes(Mags mags, String job, AppGet.Dial viaProxy, String host, int n) {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            JobStatus status;
            while ((status = mags.status(job).status()) == JobStatus.RUNNING && System.nanoTime() < deadline) {
                Bench.sleep(20);
            }
            if (status != JobStatus.SLEEPING) {
                error("job " + job + " is " + status.wireName() + " after waiting for it to sleep");
                break;
            }
            try (AppGet get = new AppGet(viaProxy, host, "/")) {
                ms.add(checked(get.get()).firstByteMs());
            } catch (IOException e) {
                error("a request to the sleeping app failed: " + e);
            }
        }
        return ms;
    }

    private AppGet.Timed checked(AppGet.Timed t) {
        if (t.answer().status() != 200 || !Arrays.equals(t.answer().body(), PAGE)) {
            error("the app answered " + t.answer().status() + " '" + new String(t.answer().body(), StandardCharsets.UTF_8)
                    + "'");
        }
        return t;
    }

    /** Counts an error; the first few are described on stderr. */
    private void error(String what) {
        if (errors.incrementAndGet() <= 5) {
            System.err.println("bench: error: " + what);
        }
    }

    /** What each figure is, its target, and the ratio of the two request rates. */
    List<String> notes(Map<String, Figure> all) {
        List<String> notes = new ArrayList<>();
        Figure proxy = all.get("proxy_rps");
        Figure direct = all.get("direct_rps");
        Figure nginx = all.get("nginx_proxy_rps");
        if (proxy != null && direct != null) {
            notes.add(String.format("proxy_rps and direct_rps: GET / of a 6-byte page from %s in a sandbox, %d"
                    + " connections of one client thread, requests back to back; through the proxy (Host"
                    + " <sub>.localhost, connections to magsd kept alive, each keeping its own connection to the app)"
                    + " and straight (connections made inside the sandbox's network namespace as magsd's agent"
                    + " makes them, kept alive while the server allows); rounds in turn, the median round: proxy %.0f"
                    + " req/s, %.0f%% of direct (target: at least 80%%)", server.name(), CONNECTIONS, proxy.p50(),
                    100 * proxy.p50() / direct.p50()));
        }
        if (proxy != null && direct != null && nginx != null) {
            notes.add(String.format("nginx_proxy_rps: the floor of a proxy on this path: nginx (a worker per core, connections"
                    + " to the app kept alive) inside the sandbox's network namespace in front of the same server, the"
                    + " same client, rounds in turn with the two above: %.0f req/s, %.0f%% of direct; magsd's proxy"
                    + " reaches %.0f%% of nginx's rate", nginx.p50(), 100 * nginx.p50() / direct.p50(),
                    100 * proxy.p50() / nginx.p50()));
        }
        if (all.containsKey("proxy_added_ms")) {
            notes.add(String.format("proxy_added_ms: one request at a time on a kept client each way, in turn; the"
                    + " proxied request's time minus the direct one's: p50 %.2f ms (target: at most 1 ms)",
                    all.get("proxy_added_ms").p50()));
        }
        if (all.containsKey("wake_on_request_ms")) {
            notes.add(String.format("wake_on_request_ms: magsd with --sleep-after %d, a job whose startup command is"
                    + " the server; each sample waits for `sleeping`, then times a GET of its URL on a new connection to"
                    + " its first byte: a new container on the sandbox's disk, the server started and listening (the"
                    + " proxy retries the port every 20 ms), the answer: p50 %.1f ms (target: at most 300 ms)%s",
                    SLEEP_AFTER_SECONDS, all.get("wake_on_request_ms").p50(), serverStartMs == null ? ""
                            : String.format("; of which the server's own start until it listens, timed in the sandbox:"
                                    + " p50 %.1f ms (n=%d)", serverStartMs.p50(), serverStartMs.n())));
        }
        return notes;
    }
}
