package dev.mags.bench;

import dev.mags.sdk.Mags;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part {@code live}: sandboxes that stay ({@code mags new}). On a magsd without a warm pool (so that only
 * these sandboxes count in the memory figure): {@code exec_ms}, {@code ssh_cmd_ms} and
 * {@code idle_live_sandbox_host_mib}; on a second one whose sandboxes sleep after a second: {@code wake_ms}.
 */
final class LivePart {
    private static final int EXEC_WARM_UP = 100;

    /** How many samples of each figure. */
    record Counts(int execs, int sshCommands, int idleSandboxes, int wakes) {
        static Counts full() {
            return new Counts(200, 50, 20, 20);
        }

        static Counts quick() {
            return new Counts(20, 5, 4, 3);
        }
    }

    private final Path repo;
    private final Path work;
    private final Path imagesDir;
    private final String image;
    private final AtomicInteger errors;

    LivePart(Path repo, Path work, Path imagesDir, String image, AtomicInteger errors) {
        this.repo = repo;
        this.work = work;
        this.imagesDir = imagesDir;
        this.image = image;
        this.errors = errors;
    }

    Map<String, Figure> measure(Counts n) {
        Map<String, Figure> figures = new LinkedHashMap<>();
        BenchMain.step("magsd for live sandboxes: exec, ssh, idle memory");
        try (Magsd magsd = new Magsd(repo, work.resolve("live"), imagesDir, image, List.of("--warm-pool-size", "0"))) {
            try (Mags mags = Bench.client(magsd); LiveSandboxes live = new LiveSandboxes(mags, errors)) {
                live.create("dev");
                live.awaitRunning();
                figures.put("exec_ms", Figure.of("ms", execs(mags, "dev", n.execs())));
                BenchMain.step("ssh true, " + n.sshCommands() + " times");
                figures.put("ssh_cmd_ms", Figure.of("ms",
                        SshCommandTime.measure(mags, "dev", work.resolve("ssh"), n.sshCommands(), errors)));
            }
            BenchMain.step("host memory of " + n.idleSandboxes() + " idle live sandboxes");
            figures.put("idle_live_sandbox_host_mib", Figure.single("MiB", n.idleSandboxes(),
                    Density.mibPerLiveSandbox(magsd, n.idleSandboxes(), errors)));
        }
        BenchMain.step("magsd with --sleep-after " + WakeLatency.SLEEP_AFTER_SECONDS + ": " + n.wakes() + " wakes");
        try (Magsd magsd = new Magsd(repo, work.resolve("wake"), imagesDir, image, List.of("--warm-pool-size", "0",
                "--sleep-after", Integer.toString(WakeLatency.SLEEP_AFTER_SECONDS)))) {
            figures.put("wake_ms", Figure.of("ms", WakeLatency.measure(magsd, n.wakes(), errors)));
        }
        return figures;
    }

    /** {@code exec_ms}: one client, one exec at a time, from the request to the exit code. */
    private List<Double> execs(Mags mags, String sandbox, int n) {
        for (int i = 0; i < EXEC_WARM_UP; i++) {
            Bench.timedExec(mags, sandbox, errors); // JIT of the client's and the server's exec paths
        }
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ms.add(Bench.timedExec(mags, sandbox, errors).endMs());
        }
        return ms;
    }

    /** What each figure is and its target, beside the floors of the same run when the run has them. */
    static List<String> notes(Map<String, Figure> all) {
        List<String> notes = new ArrayList<>();
        if (all.containsKey("exec_ms")) {
            notes.add(String.format("exec_ms: `echo x` in a live sandbox (made as `mags new` makes one) through the"
                    + " streamed REST exec as the Java SDK's execStreaming sends it, from the request to the exit"
                    + " code, one exec at a time after " + EXEC_WARM_UP + " that warm both JVMs up: p50 %.1f ms (target: at"
                    + " most 10 ms)%s", all.get("exec_ms").p50(),
                    beside(all, "exec_ms", "runc_exec_floor_ms", "runc exec")));
        }
        if (all.containsKey("wake_ms")) {
            notes.add(String.format("wake_ms: from `sleeping` (magsd with --sleep-after %d; each sample waits for"
                    + " the status) to the first output of such an exec: a new container on the sandbox's disk, its"
                    + " startup command started, then the command: p50 %.1f ms (target: at most 300 ms; no frozen"
                    + " stage is built)%s", WakeLatency.SLEEP_AFTER_SECONDS, all.get("wake_ms").p50(),
                    beside(all, "wake_ms", "runc_run_floor_ms", "runc run")));
        }
        if (all.containsKey("ssh_cmd_ms")) {
            notes.add(String.format("ssh_cmd_ms: `ssh -p PORT LOGIN@127.0.0.1 true` through the SSH gateway, the"
                    + " whole OpenSSH client process with the options of `mags ssh` (its own ed25519 key,"
                    + " known_hosts, LogLevel=ERROR; the client's default key exchange): p50 %.1f ms (target: at"
                    + " most 300 ms)", all.get("ssh_cmd_ms").p50()));
        }
        if (all.containsKey("idle_live_sandbox_host_mib")) {
            notes.add(String.format("idle_live_sandbox_host_mib: %d sandboxes made as `mags new` makes them, idle,"
                    + " measured as idle_sandbox_host_mib (their `sleep infinity` left out): %.2f MiB each (no target"
                    + " of its own; idle_sandbox_host_mib's is at most 3 MiB)", all.get("idle_live_sandbox_host_mib").n(),
                    all.get("idle_live_sandbox_host_mib").p50()));
        }
        return notes;
    }

    private static String beside(Map<String, Figure> all, String figure, String floor, String what) {
        Figure f = all.get(floor);
        return f == null ? "" : String.format("; %.2f× the %s floor of this run", all.get(figure).p50() / f.p50(), what);
    }
}
