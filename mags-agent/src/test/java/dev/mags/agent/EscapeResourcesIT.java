package dev.mags.agent;

import static dev.mags.agent.EscapeImageRecipe.PROBE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mags.agent.SecuritySandboxes.Started;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attempts to exhaust what every process of the host shares: the kernel's table of open files
 * ({@code fs.file-max}; past it, open fails with ENFILE for every unprivileged process of the host). A sandbox
 * holds at most its pids limit times its open-file limit through descriptors; files it holds otherwise (a
 * mapping of a file whose descriptor is closed) are bounded by its memory limit, which the kernel charges for
 * each. The host's count is {@code /proc/sys/fs/file-nr}, which other processes of the host move too: the
 * bounds get {@link #HOST_CHURN} of slack. Real runc, escape-probe (skipped without gcc).
 */
class EscapeResourcesIT {
    /** What the rest of the host may open meanwhile (builds of other programs on a shared test machine). */
    private static final long HOST_CHURN = 32_768;
    /** The kernel's smallest charge for an open file: its {@code struct file} (the filp slab's objects). */
    private static final long BYTES_PER_FILE = 192;
    private static final Pattern HELD = Pattern.compile("held: ([0-9]+) processes, ([0-9]+) files, stopped by (.*)");
    private static SecuritySandboxes sandboxes;

    @BeforeAll
    static void setUp() throws IOException {
        sandboxes = SecuritySandboxes.create();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (sandboxes != null) {
            sandboxes.close();
        }
    }

    @AfterEach
    void nothingLeftBehind() {
        assertThat(HostLeaks.scan(sandboxes.host.config)).isEmpty();
    }

    @Test
    void aSandboxHoldsAtMostItsPidsTimesItsOpenFileLimitAndTheHostKeepsOpeningFiles() throws Exception {
        assumeTrue(sandboxes.hasProbe, "escape-probe needs gcc to be built");
        SandboxLimits limits = SandboxLimits.DEFAULT;
        long bound = limits.pids() * sandboxes.host.config.openFiles();
        long before = hostOpenFiles();
        Started flood = sandboxes.start(PROBE + " hold_descriptors", limits);
        try {
            long held = hostOpenFiles() - before;
            Matcher report = held(flood);
            System.out.printf("descriptor flood: %s; host file-nr +%d (bound %d)%n", report.group(), held, bound);

            // the flood went as far as the sandbox let it: forks until the pids limit, each child to its rlimit
            assertThat(report.group(3)).isEqualTo("fork EAGAIN");
            assertThat(Long.parseLong(report.group(1))).isGreaterThan(limits.pids() - 8);
            assertThat(Long.parseLong(report.group(2))).isGreaterThan(bound * 9 / 10);
            assertThat(held).as("open files the host gained while the sandbox holds its flood (bound %d)", bound)
                    .isBetween(bound * 9 / 10 - HOST_CHURN, bound + HOST_CHURN);
            assertThat(openAsNobody()).as("an unprivileged host process opens a file").isEqualTo("ok");
        } finally {
            SecuritySandboxes.stop(flood);
        }
    }

    @Test
    void filesHeldWithoutDescriptorsAreChargedToTheSandboxsMemoryLimit() throws Exception {
        assumeTrue(sandboxes.hasProbe, "escape-probe needs gcc to be built");
        // A mapping keeps its file open after the descriptor is closed: no rlimit counts it (each process may
        // hold vm.max_map_count of them). The kernel charges the file and the mapping to the sandbox's memory
        // cgroup, so the memory limit bounds them; at 64 MiB well below what the descriptors alone allow.
        SandboxLimits limits = new SandboxLimits(64L << 20, 1000, SandboxLimits.DEFAULT.diskBytes(), 256);
        long bound = limits.memoryBytes() / BYTES_PER_FILE;
        long before = hostOpenFiles();
        Peak peak = Peak.watch(before);
        RecordingListener output = new RecordingListener();
        Job sandbox = Job.launch(sandboxes.agent, new JobSpec(ItHost.uniqueId("sec"), SecuritySandboxes.IMAGE,
                List.of("sh", "-c", PROBE + " hold_mappings"), Map.of(), Duration.ofSeconds(60), limits, NetworkMode.NONE),
                output);
        try {
            // the flood ends when the memory is used up: the probe reports and waits, or the OOM killer ends it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!output.stdout().contains("ready") && !sandbox.exit().isDone() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            sandbox.stop(Duration.ZERO);
            sandbox.exit().get(30, TimeUnit.SECONDS);
            peak.close();
        }
        System.out.printf("mapping flood at %d MiB: host file-nr +%d at most (bound %d); %s%n",
                limits.memoryBytes() >> 20, peak.max() - before, bound, sandbox.exit().get());
        assertThat(peak.max() - before).as("most open files the host gained during the flood (bound %d): %s, %s", bound,
                        sandbox.exit().get(), output.lines())
                .isGreaterThan(32 * sandboxes.host.config.openFiles()) // files held by mappings, not descriptors
                .isLessThan(bound + HOST_CHURN);
    }

    private static Matcher held(Started flood) {
        return flood.output().stdout().stream().map(HELD::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("the probe reported nothing: " + flood.output().lines()));
    }

    static long hostOpenFiles() throws IOException {
        return Long.parseLong(SecuritySandboxes.kernelFile("/proc/sys/fs/file-nr").split("\\s+")[0]);
    }

    /** Root passes fs.file-max (CAP_SYS_ADMIN); the users of the host do not: open a file as nobody. */
    private static String openAsNobody() throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c",
                "exec 3</etc/hostname && echo ok").redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes()).strip();
    }

    /** The highest {@code file-nr} seen while it watches, read every millisecond on a thread of its own. */
    static final class Peak implements AutoCloseable {
        private volatile long max;
        private volatile boolean stop;
        private final Thread thread;

        private Peak(long start) {
            this.max = start;
            this.thread = Thread.ofPlatform().daemon().name("file-nr-peak").start(this::watch);
        }

        static Peak watch(long start) {
            return new Peak(start);
        }

        private void watch() {
            while (!stop) {
                try {
                    max = Math.max(max, hostOpenFiles());
                    Thread.sleep(1);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }

        long max() {
            return max;
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }
}
