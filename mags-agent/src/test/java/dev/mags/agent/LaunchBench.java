package dev.mags.agent;

import dev.mags.agent.disk.SandboxDisk;
import dev.mags.agent.sandbox.LocalSandbox;
import dev.mags.protocol.v2.SandboxLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Prints how long a job takes from {@code launch()} to its first line of output, with and without
 * the warm pool, and what an idle pooled sandbox costs the host. Measures, asserts nothing about
 * time; not run by the build (its name matches neither *Test nor *IT). Run it with:
 *
 * <pre>
 * ./mvnw -B -q -pl mags-agent -am verify -Dit.test=LaunchBench -Dtest=NONE \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 */
class LaunchBench {
    private static final int WARMUP = 3;
    private static final int RUNS = 30;
    private static final int IDLE_SANDBOXES = 20;

    private record Sample(long launchNanos, long firstOutputNanos, long exitNanos, boolean warm) {}

    @Test
    void coldVersusWarm() throws Exception {
        try (ItHost host = ItHost.create()) {
            List<Sample> cold;
            try (LocalAgent agent = host.agent(WarmPoolConfig.disabled())) {
                cold = measure(agent, false);
            }
            List<Sample> warm;
            try (LocalAgent agent = host.agent(WarmPoolConfig.of("busybox", 1))) {
                warm = measure(agent, true);
            }
            report("cold (container built for the job)", cold);
            report("warm (pool member, runc exec only)", warm);
            diskCost(host);
            idleCost(host);
        }
    }

    /** The sandbox disk alone: sparse copy of a formatted template, loop mount, and unmount with the loop device's release. */
    private static void diskCost(ItHost host) throws Exception {
        Path dir = Files.createDirectories(host.base.resolve("disk-bench"));
        SandboxDisk disk = HostAccess.system().disk(dir.resolve("templates"));
        List<Long> format = new ArrayList<>();
        List<Long> mount = new ArrayList<>();
        List<Long> release = new ArrayList<>();
        for (int i = 0; i < WARMUP + RUNS; i++) {
            Path file = dir.resolve("disk" + i + ".img");
            Path target = Files.createDirectory(dir.resolve("mnt" + i));
            long t0 = System.nanoTime();
            disk.createFresh(file, SandboxLimits.DEFAULT.diskBytes());
            long t1 = System.nanoTime();
            disk.mount(file, target);
            long t2 = System.nanoTime();
            disk.release(file, target);
            long t3 = System.nanoTime();
            Files.delete(file);
            if (i >= WARMUP) {
                format.add(t1 - t0);
                mount.add(t2 - t1);
                release.add(t3 - t2);
            }
        }
        System.out.printf("sandbox disk (2 GiB, sparse ext4, loop): copy of the formatted template %s; mount -o loop %s; unmount+detach %s%n",
                stats(format), stats(mount), stats(release));
    }

    private static List<Sample> measure(LocalAgent agent, boolean pooled) throws Exception {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < WARMUP + RUNS; i++) {
            if (pooled) {
                ItHost.awaitPool(agent, 1);
            }
            CountDownLatch first = new CountDownLatch(1);
            long[] firstAt = new long[1];
            long start = System.nanoTime();
            Job job = Job.launch(agent,
                    JobSpec.shell(ItHost.uniqueId("bench" + i), "busybox", "echo hi", Map.of(), null),
                    (stream, data, offset, length) -> {
                        if (first.getCount() > 0) {
                            firstAt[0] = System.nanoTime();
                            first.countDown();
                        }
                    });
            long launched = System.nanoTime();
            first.await(30, TimeUnit.SECONDS);
            job.exit().get(30, TimeUnit.SECONDS);
            long ended = System.nanoTime();
            if (i >= WARMUP) {
                samples.add(new Sample(launched - start, firstAt[0] - start, ended - start,
                        !((LocalSandbox) job.sandbox).container().id().equals(job.id())));
            }
        }
        return samples;
    }

    private static void report(String what, List<Sample> samples) {
        System.out.printf("%s, %d runs (%d on pool members): launch() %s, first output %s, released %s%n", what,
                samples.size(), samples.stream().filter(Sample::warm).count(),
                stats(samples.stream().map(Sample::launchNanos).toList()),
                stats(samples.stream().map(Sample::firstOutputNanos).toList()),
                stats(samples.stream().map(Sample::exitNanos).toList()));
    }

    private static String stats(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return String.format("median %.1f ms (p10 %.1f, p90 %.1f)", sorted.get(sorted.size() / 2) / 1e6,
                sorted.get(sorted.size() / 10) / 1e6, sorted.get(sorted.size() * 9 / 10) / 1e6);
    }

    /** Host memory and disk of idle pool members: MemAvailable before and after, and their cgroups' own count. */
    private static void idleCost(ItHost host) throws Exception {
        long before = memAvailableKib();
        try (LocalAgent agent = host.agent(WarmPoolConfig.of("busybox", IDLE_SANDBOXES))) {
            ItHost.awaitPool(agent, IDLE_SANDBOXES);
            Thread.sleep(1000);
            long after = memAvailableKib();
            long cgroupBytes = 0;
            long pssKib = 0;
            long diskBytes = 0;
            for (var container : agent.warmPool().pooled()) {
                Path memory = Path.of("/sys/fs/cgroup/memory", host.config.cgroupParent(), container.id());
                cgroupBytes += Long.parseLong(Files.readString(memory.resolve("memory.usage_in_bytes")).strip());
                for (String pid : Files.readAllLines(memory.resolve("cgroup.procs"))) {
                    pssKib += Files.readAllLines(Path.of("/proc", pid, "smaps_rollup")).stream()
                            .filter(l -> l.startsWith("Pss:"))
                            .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                            .sum();
                }
                diskBytes += allocatedBytes(container.paths().diskImage());
            }
            System.out.printf("%d idle pooled sandboxes, each: memory cgroup usage %.2f MiB, processes' PSS %.2f MiB,"
                    + " disk file %.2f MiB on the host; host MemAvailable down %.2f MiB (noisy)%n", IDLE_SANDBOXES,
                    cgroupBytes / 1048576.0 / IDLE_SANDBOXES, pssKib / 1024.0 / IDLE_SANDBOXES,
                    diskBytes / 1048576.0 / IDLE_SANDBOXES, (before - after) / 1024.0 / IDLE_SANDBOXES);
        }
    }

    /** What a sparse file really takes on the host ({@code du}). */
    private static long allocatedBytes(Path file) throws IOException, InterruptedException {
        Process du = new ProcessBuilder("du", "--block-size=1", file.toString()).start();
        String out = new String(du.getInputStream().readAllBytes()).trim();
        du.waitFor();
        return Long.parseLong(out.split("\\s+")[0]);
    }

    private static long memAvailableKib() throws IOException {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemAvailable:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst().orElseThrow();
    }
}
