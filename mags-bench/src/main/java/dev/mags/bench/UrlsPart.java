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
 * two persistent jobs serve a small page on port 8080, each with a URL: the seeds' example server and the image's
 * cheapest one ({@link PageServer}). The same client loads each through the proxy and straight (connections made
 * inside the sandbox's network namespace as magsd's agent makes them, {@link SandboxPort}), rounds taken in turn:
 * {@code proxy_rps} beside {@code direct_rps} for the first, {@code tiny_proxy_rps} beside {@code tiny_direct_rps}
 * and nginx's {@code nginx_proxy_rps} for the second; {@code proxy_added_ms}, the proxied minus the direct time of
 * one request to the second, pairs taken in turn. A second job whose
 * startup command is its server sleeps between samples of {@code wake_on_request_ms}: from {@code sleeping} to the
 * first byte of a request to its URL.
 */
final class UrlsPart {
    static final int SLEEP_AFTER_SECONDS = 1;
    private static final int PORT = PageServer.PORT;
    private static final byte[] PAGE = "hello\n".getBytes(StandardCharsets.US_ASCII);
    private static final Duration WAIT = Duration.ofSeconds(60);
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
    /** The server of the figures proxy_rps and direct_rps: the seeds' example. */
    private final PageServer seeds;
    /** The server of the tiny_* figures, of proxy_added_ms and of the wakes: the cheapest page the image can serve. */
    private final PageServer tiny;
    /** How long the server takes to listen when started in the sandbox: part of every wake on request. */
    private Figure serverStartMs;

    UrlsPart(Path repo, Path work, Path imagesDir, String image, AtomicInteger errors) {
        this.repo = repo;
        this.work = work;
        this.imagesDir = imagesDir;
        this.image = image;
        this.errors = errors;
        this.seeds = PageServer.seeds(imagesDir.resolve(image).resolve("rootfs"));
        this.tiny = PageServer.tiny(imagesDir.resolve(image).resolve("rootfs"));
    }

    Map<String, Figure> measure(Counts n) throws Exception {
        Map<String, Figure> figures = new LinkedHashMap<>();
        BenchMain.step("magsd for public URLs: " + seeds.name() + " and " + tiny.name()
                + " through the proxy and straight");
        try (Magsd magsd = new Magsd(repo, work.resolve("urls"), imagesDir, image, List.of("--warm-pool-size", "0",
                "--sleep-after", Integer.toString(SLEEP_AFTER_SECONDS))); Mags mags = Bench.client(magsd)) {
            String web = start(mags, "web", tiny.command(), null);
            String host = host(mags.enableAccess("web", PORT).url());
            String example = start(mags, "example", seeds.command(), null);
            String exampleHost = host(mags.enableAccess("example", PORT).url());
            AppGet.Dial viaProxy = () -> SocketChannel.open(new InetSocketAddress("127.0.0.1", magsd.port));
            try (SandboxPort sandbox = new SandboxPort(magsd.dataDir, web, PORT);
                    SandboxPort exampleSandbox = new SandboxPort(magsd.dataDir, example, PORT)) {
                AppGet.Dial straight = sandbox::open;
                Way tinyProxied = new Way(viaProxy, host, tiny.connections());
                Way tinyDirect = new Way(straight, "127.0.0.1:" + PORT, tiny.connections());
                Way seedsProxied = new Way(viaProxy, exampleHost, seeds.connections());
                Way seedsDirect = new Way(exampleSandbox::open, "127.0.0.1:" + PORT, seeds.connections());
                awaitPage(tinyDirect);
                awaitPage(seedsDirect);
                NginxProxy nginx = NginxProxy.installed() ? NginxProxy.start(sandbox.initPid(), work.resolve("nginx"),
                        NGINX_PORT, PORT) : null;
                Way viaNginx = new Way(() -> sandbox.open(NGINX_PORT), "127.0.0.1:" + NGINX_PORT, tiny.connections());
                try {
                    List<Way> ways = new ArrayList<>(List.of(seedsDirect, seedsProxied, tinyDirect, tinyProxied));
                    if (nginx != null) {
                        awaitPage(viaNginx);
                        ways.add(viaNginx);
                    }
                    for (Way way : ways) {
                        load(way, n.window()); // warm-up: JIT, thread creation on both sides
                    }
                    Map<Way, List<Double>> rates = new LinkedHashMap<>();
                    for (int r = 0; r < n.rounds(); r++) {
                        BenchMain.step("requests back to back, round " + (r + 1));
                        for (Way way : ways) {
                            rates.computeIfAbsent(way, w -> new ArrayList<>()).add(load(way, n.window()));
                        }
                    }
                    figures.put("proxy_rps", Figure.of("req/s", rates.get(seedsProxied)));
                    figures.put("direct_rps", Figure.of("req/s", rates.get(seedsDirect)));
                    figures.put("tiny_proxy_rps", Figure.of("req/s", rates.get(tinyProxied)));
                    figures.put("tiny_direct_rps", Figure.of("req/s", rates.get(tinyDirect)));
                    if (nginx != null) {
                        figures.put("nginx_proxy_rps", Figure.of("req/s", rates.get(viaNginx)));
                    }
                } finally {
                    if (nginx != null) {
                        nginx.close();
                    }
                }
                BenchMain.step(n.latencyPairs() + " single requests each way");
                figures.put("proxy_added_ms", Figure.of("ms", addedMs(viaProxy, host, straight, n.latencyPairs())));
            }
            mags.stop(example);
            if (tiny.startProbe() != null) {
                serverStartMs = Figure.of("ms", serverStarts(mags, web, n.wakes()));
            }
            mags.stop(web);
            BenchMain.step(n.wakes() + " requests to a sleeping sandbox's URL");
            String nap = start(mags, "nap", tiny.command(), tiny.command());
            figures.put("wake_on_request_ms", Figure.of("ms", wakes(mags, nap, viaProxy,
                    host(mags.enableAccess("nap", PORT).url()), n.wakes())));
            mags.stop(nap);
        }
        return figures;
    }

    /** One way to the page: how connections are made, the Host they send, and how many are kept busy. */
    private record Way(AppGet.Dial dial, String host, int connections) {}

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
    private static void awaitPage(Way way) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (;;) {
            try (AppGet get = new AppGet(way.dial(), way.host(), "/")) {
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

    private double load(Way way, Duration window) throws IOException {
        long start = System.nanoTime();
        AppLoad.Counts c = new AppLoad(way.dial(), way.host(), "/", PAGE).run(way.connections(), window);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (c.failed() > 0) {
            error(c.failed() + " wrong or cut answers from " + way.host());
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
                ms.add(Long.parseLong(mags.exec(job, tiny.startProbe()).stdout().strip()) / 1000.0);
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
        if (proxy != null && direct != null) {
            notes.add(String.format("proxy_rps and direct_rps: GET / of a 6-byte page (a file) from %s in a"
                    + " sandbox, %d connections of one client thread, requests back to back;"
                    + " through the proxy (Host <sub>.localhost, connections to magsd kept alive) and straight"
                    + " (connections made inside the sandbox's network namespace as magsd's agent makes them, kept"
                    + " alive while the server allows); rounds in turn, the median round: proxy %.0f req/s, %.0f%% of"
                    + " direct (target: at least 80%%)", seeds.name(), seeds.connections(), proxy.p50(),
                    100 * proxy.p50() / direct.p50()));
        }
        Figure tinyProxy = all.get("tiny_proxy_rps");
        Figure tinyDirect = all.get("tiny_direct_rps");
        Figure nginx = all.get("nginx_proxy_rps");
        if (tinyProxy != null && tinyDirect != null) {
            notes.add(String.format("tiny_proxy_rps and tiny_direct_rps: the same with the cheapest page server the"
                    + " image has, %s, %d connections, rounds in turn with the above: where the proxy's own cost shows"
                    + " most, as the client, the proxy and the server share the machine's cores: proxy %.0f req/s, %.0f%%"
                    + " of direct (no target of its own)%s", tiny.name(), tiny.connections(), tinyProxy.p50(),
                    100 * tinyProxy.p50() / tinyDirect.p50(), nginx == null ? "" : String.format("; nginx_proxy_rps,"
                            + " the floor of a proxy on this path (nginx, a worker per core, connections to the app kept"
                            + " alive, inside the sandbox's network namespace in front of the same server, the same"
                            + " client): %.0f req/s, %.0f%% of direct; magsd's proxy reaches %.0f%% of nginx's rate",
                            nginx.p50(), 100 * nginx.p50() / tinyDirect.p50(), 100 * tinyProxy.p50() / nginx.p50())));
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
