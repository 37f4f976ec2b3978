package dev.mags.bench;

import dev.mags.sdk.Mags;
import dev.mags.testkit.Chromium;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part {@code dashboard}: the web dashboard in Debian's headless Chromium, on a magsd with a history of
 * at least {@code jobs} jobs (those of the parts before it on the same magsd, and {@code jobs} more). {@code dashboard_jobs_ms}: from the start of a navigation to a page of the jobs list (50 jobs)
 * until its table is in the page, each sample another page of the history; beside {@code dashboard_shell_ms}, the
 * same page's script and style with no API call (the sign-in form), the floor of what the browser takes to load
 * the page itself.
 */
final class DashboardPart {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int PAGE_SIZE = 50;

    private DashboardPart() {}

    /** Figures of the part; empty (and a note) when Chromium is not installed. */
    static Map<String, Figure> measure(Magsd magsd, Path work, int jobs, int samples, AtomicInteger errors)
            throws Exception {
        if (!Chromium.installed()) {
            System.err.println("bench: dashboard: " + Chromium.BINARY + " is missing; install Debian's chromium");
            errors.incrementAndGet();
            return Map.of();
        }
        BenchMain.step("a history of " + jobs + " jobs for the dashboard");
        history(magsd, jobs, errors);
        BenchMain.step(samples + " loads of the dashboard's jobs pages in headless Chromium");
        try (Chromium browser = new Chromium(work.resolve("chromium"))) {
            String base = magsd.url();
            browser.timedLoad(base + "/", "#signin", WAIT); // warm-up: the browser's own start, magsd's JIT
            List<Double> shell = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                shell.add(browser.timedLoad(base + "/", "#signin", WAIT));
            }
            browser.evaluate("sessionStorage.setItem('mags-token', " + quoted(magsd.token()) + "), 'ok'");
            int pages = Math.max(1, jobs / PAGE_SIZE);
            browser.timedLoad(base + "/jobs", "#jobs-count", WAIT);
            List<Double> list = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                list.add(browser.timedLoad(base + "/jobs?page=" + (1 + i % pages), "#jobs-count", WAIT));
            }
            String shown = browser.evaluate("document.getElementById('jobs-count').textContent");
            if (!shown.matches("\\d+ jobs, page \\d+ of \\d+")) {
                errors.incrementAndGet();
                System.err.println("bench: dashboard: the jobs page shows '" + shown + "'");
            }
            return Map.of("dashboard_jobs_ms", Figure.of("ms", list), "dashboard_shell_ms", Figure.of("ms", shell));
        }
    }

    /** {@code n} short jobs, eight at a time, each waited for. */
    private static void history(Magsd magsd, int n, AtomicInteger errors) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Mags mags = Bench.client(magsd)) {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                runs.add(pool.submit(() -> {
                    try {
                        mags.runAndWait("echo job " + k, Duration.ofMinutes(2));
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String quoted(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    static List<String> notes(Map<String, Figure> all, int jobs) {
        Figure list = all.get("dashboard_jobs_ms");
        Figure shell = all.get("dashboard_shell_ms");
        if (list == null || shell == null) {
            return List.of();
        }
        return List.of(String.format("dashboard_jobs_ms and dashboard_shell_ms: Debian's headless Chromium on the"
                + " dashboard of a magsd with %d jobs in its history; from the start of each navigation until the"
                + " page's jobs table (50 jobs, a different page of the history each time) is in the page: p50 %.1f"
                + " ms (target: at most 300 ms), beside %.1f ms for the same page's script and style without an API"
                + " call (the sign-in form)", jobs, list.p50(), shell.p50()));
    }
}
