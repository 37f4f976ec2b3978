package dev.mags.bench;

import dev.mags.sdk.Mags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bench/run}: starts its own magsd servers, measures every figure beside its floor, stops
 * everything and writes {@code bench/results/<date>.json} and {@code .md}. Two parts: {@code sandboxes}
 * (magsd, runc, bubblewrap, podman) and {@code sync} (workspace storage, see {@link WorkspaceSync});
 * {@code --only <part>} runs one and only prints its table, since a partial result is not a run. The
 * sandboxes part splits further for work on one figure: {@code api} (latency and floors), {@code load},
 * {@code status}, {@code cli}, {@code density}, {@code cron} (a minute per sample), {@code live} (sandboxes that
 * stay: exec, ssh, wake, idle memory; see {@link LivePart}), {@code urls} (public URLs: the proxy beside a
 * straight connection, wake on request; see {@link UrlsPart}), {@code files} (uploads beside the data dir's disk
 * write rate; see {@link UploadRate}), {@code dashboard} (the web dashboard's jobs pages in headless Chromium;
 * see {@link DashboardPart}), {@code cluster} (a control plane and three agents: placement, an always-on URL back
 * after its agent is killed; see {@link ClusterPart}).
 */
public final class BenchMain {
    private static final List<String> PARTS = List.of("sandboxes", "sync", "api", "load", "status", "cli", "density",
            "cron", "live", "urls", "files", "dashboard", "cluster");
    /** The parts measured on the magsd with its warm pool. */
    private static final List<String> WARM_PARTS = List.of("api", "load", "status", "cli", "cron", "density", "files",
            "dashboard");

    /** Pause between two timed runs of one client. */
    static final int RUN_GAP_MS = 150;

    private final boolean quick;
    private final String only;
    private final Path repo;
    private final Path imagesDir;
    private final String image;
    private final Path work;
    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final AtomicInteger errors = new AtomicInteger();

    private BenchMain(boolean quick, String only, Path repo, Path imagesDir, String image, Path work) {
        this.quick = quick;
        this.only = only;
        this.repo = repo;
        this.imagesDir = imagesDir;
        this.image = image;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        String only = arg(args, "--only", "");
        if (!only.isEmpty() && !PARTS.contains(only)) {
            throw new IllegalArgumentException("--only takes one of " + PARTS + ", not " + only);
        }
        Path repo = Path.of(arg(args, "--repo", ".")).toAbsolutePath().normalize();
        Path imagesDir = Path.of(arg(args, "--images-dir", "/var/lib/mags/images"));
        String image = arg(args, "--image", Files.exists(imagesDir.resolve("debian/image.json")) ? "debian" : "busybox");
        Path out = Path.of(arg(args, "--out", repo.resolve("bench/results").toString()));
        Path work = Files.createTempDirectory("mags-bench");
        // Sandbox root is an unprivileged host uid that must pass through to its sandbox dir.
        Files.setAttribute(work, "unix:mode", 0711);
        BenchMain bench = new BenchMain(quick, only, repo, imagesDir, image, work);
        Report report;
        try {
            report = bench.run();
        } finally {
            deleteTree(work);
        }
        if (!only.isEmpty()) {
            System.out.println(report.markdown());
            return;
        }
        String stem = report.date() + (quick ? "-quick" : "");
        report.write(out.resolve(stem + ".json"), out.resolve(stem + ".md"));
        System.out.println(report.markdown());
        System.out.println("wrote " + out.resolve(stem + ".json"));
    }

    /** The servers are stopped and the floors unmounted by now; what is left are plain files. */
    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private int n(int full, int smoke) {
        return quick ? smoke : full;
    }

    private Duration window() {
        return quick ? Duration.ofSeconds(2) : Duration.ofSeconds(10);
    }

    private Report run() throws Exception {
        if (!only.equals("sync")) {
            sandboxes();
        }
        if (only.isEmpty() || only.equals("sync")) {
            SyncPlan plan = quick ? SyncPlan.quick() : SyncPlan.full();
            step("workspace sync of " + (plan.bytes() >> 20) + " MiB in " + plan.files()
                    + " files over the embedded S3 server");
            figures.putAll(WorkspaceSync.measure(work.resolve("sync"), plan, notes));
        }
        return new Report(LocalDate.now(ZoneOffset.UTC).toString(), commit(), Machine.describe(),
                quick ? "quick" : "full", image, notes, figures);
    }

    private boolean wanted(String part) {
        return only.isEmpty() || only.equals(part) || (only.equals("sandboxes") && !part.equals("sync"));
    }

    private void sandboxes() throws Exception {
        Path rootfs = imagesDir.resolve(image).resolve("rootfs");
        if (wanted("api")) {
            step("floors: runc run, runc exec, bubblewrap on the '" + image + "' image");
            try (Floors floors = new Floors(work.resolve("floors"), rootfs)) {
                figures.put("runc_run_floor_ms", Figure.of("ms", floors.runcRun(n(100, 10))));
                figures.put("runc_exec_floor_ms", Figure.of("ms", floors.runcExec(n(100, 10))));
                figures.put("bwrap_floor_ms", Figure.of("ms", floors.bwrap(n(100, 10))));
            }
        }
        if (WARM_PARTS.stream().anyMatch(this::wanted)) {
            warm();
        }
        if (wanted("api")) {
            notes.add("api_run_warm_ms and api_run_cold_ms: one client, runs " + RUN_GAP_MS
                    + " ms apart; warm with the default pool (2 sandboxes), cold with --warm-pool-size 0");
            step("magsd without a warm pool");
            try (Magsd magsd = new Magsd(repo, work.resolve("cold"), imagesDir, image, List.of("--warm-pool-size", "0"))) {
                figures.put("api_run_cold_ms", Figure.of("ms", apiRuns(magsd, n(100, 20))));
            }
        }
        if (wanted("live")) {
            figures.putAll(new LivePart(repo, work, imagesDir, image, errors)
                    .measure(quick ? LivePart.Counts.quick() : LivePart.Counts.full()));
            notes.addAll(LivePart.notes(figures));
        }
        if (wanted("cluster")) {
            // a short directory: sandboxes' Unix socket paths under the agents' data dirs must fit 107 bytes
            Path cluster = Files.createTempDirectory(Path.of("/tmp"), "mc");
            try {
                figures.putAll(ClusterPart.measure(repo, cluster, imagesDir, image, n(30, 10), n(5, 2), n(200, 20),
                        errors));
            } finally {
                deleteTree(cluster);
            }
            notes.add("placement_ms: a job accepted by the control plane until its script runs on the agent it chose; "
                    + "recovery_s: kill -9 of the agent serving an always-on URL until the URL answers again (the agent "
                    + "declared lost after 15 s of silence; target p50 <= 30 s)");
            notes.addAll(ClusterPart.notes(figures));
        }
        if (wanted("urls")) {
            UrlsPart urls = new UrlsPart(repo, work, imagesDir, image, errors);
            figures.putAll(urls.measure(quick ? UrlsPart.Counts.quick() : UrlsPart.Counts.full()));
            notes.addAll(urls.notes(figures));
        }
        figures.put("errors", Figure.single("count", 1, errors.get()));
    }

    private void warm() throws Exception {
        Path rootfs = imagesDir.resolve(image).resolve("rootfs");
        step("magsd with its warm pool");
        try (Magsd magsd = new Magsd(repo, work.resolve("warm"), imagesDir, image, List.of())) {
            if (wanted("api")) {
                figures.put("api_run_warm_ms", Figure.of("ms", apiRuns(magsd, n(300, 30))));
            }
            if (wanted("load")) {
                for (int c : new int[] {1, 4, 16, 64}) {
                    step("throughput with " + c + " clients");
                    figures.put("throughput_c" + c, Figure.single("runs/s", c,
                            Load.runsPerSecond(magsd, c, window(), errors)));
                }
            }
            if (wanted("status")) {
                step("status requests with 16 clients");
                String jobId;
                try (Mags mags = Bench.client(magsd)) {
                    jobId = mags.run("echo status").requestId();
                }
                figures.put("status_rps", Figure.single("req/s", 16,
                        Load.statusPerSecond(magsd, jobId, 16, window(), errors)));
            }
            if (wanted("cli")) {
                step("bin/mags run against podman run");
                CliVsPodman cvp = new CliVsPodman();
                cvp.measure(repo, magsd, rootfs, n(20, 5));
                figures.put("cli_run_ms", Figure.of("ms", cvp.cli));
                figures.put("podman_run_ms", Figure.of("ms", cvp.podman));
                figures.put("cli_vs_podman_ratio", Figure.of("ratio", cvp.ratio));
            }
            if (wanted("cron")) {
                int runs = n(3, 1);
                step("cron: " + runs + " runs of '* * * * *' (one a minute)");
                figures.put("cron_fire_delay_ms", Figure.of("ms", CronFireDelay.measure(magsd, runs, errors)));
            }
            if (wanted("dashboard")) {
                int jobs = n(1000, 100);
                figures.putAll(DashboardPart.measure(magsd, work.resolve("dashboard"), jobs, n(40, 10), errors));
                notes.addAll(DashboardPart.notes(figures, jobs));
            }
            if (wanted("files")) {
                int mib = n(96, 16);
                step("uploads of " + mib + " MiB beside the data dir's disk");
                Figure disk = Figure.of("MB/s", UploadRate.diskWrite(magsd.dataDir, mib, n(3, 2)));
                Figure upload = Figure.of("MB/s", UploadRate.upload(magsd, work.resolve("upload"), mib, n(3, 2)));
                figures.put("disk_write_mbps", disk);
                figures.put("upload_mbps", upload);
                notes.add(String.format(java.util.Locale.ROOT, "upload_mbps: a %d MiB file uploaded as mags run -f "
                        + "sends it (one multipart request, into the embedded S3 store); disk_write_mbps: the same bytes "
                        + "written and synced to a file of the data dir: upload %.0f MB/s, %.0f%% of the disk's %.0f MB/s "
                        + "(target: at least 50%%)", mib, upload.p50(), 100 * upload.p50() / disk.p50(), disk.p50()));
            }
            if (wanted("density")) {
                int idle = n(100, 20);
                step("host memory of " + idle + " idle sandboxes");
                figures.put("idle_sandbox_host_mib", Figure.single("MiB", idle, Density.mibPerSandbox(magsd, idle)));
            }
        }
    }

    private List<Double> apiRuns(Magsd magsd, int n) {
        List<Double> ms = new ArrayList<>();
        try (Mags mags = Bench.client(magsd)) {
            for (int i = 0; i < 5; i++) {
                Bench.timedRun(mags, "echo hi", "hi\n", errors); // warm-up: JIT, connections, first pool fill
            }
            for (int i = 0; i < n; i++) {
                ms.add(Bench.timedRun(mags, "echo hi", "hi\n", errors));
                // One client, one run at a time, with a pause in which a pool of the default size (2) refills
                // on this machine: back-to-back runs faster than that are the throughput figures' subject.
                Bench.sleep(RUN_GAP_MS);
            }
        }
        return ms;
    }

    private String commit() {
        Sh.Result r = Sh.run(List.of("git", "-C", repo.toString(), "rev-parse", "--short", "HEAD"));
        return r.exitCode() == 0 ? r.stdout().strip() : "unknown";
    }

    static void step(String what) {
        System.err.println("==> " + what);
    }
}
