package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.SecuritySandboxes.Run;
import dev.mags.agent.SecuritySandboxes.Started;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a sandbox can learn about the host and the other sandboxes through the kernel's files: its mount table,
 * the descriptors of its init, its cgroup, the host's kernel command line, boot id and disks. A tenant who knows
 * the data directory, the sandbox ids or the host's identity has a map for every other attack; none of it may
 * show. Real runc.
 */
class EscapeInformationIT {
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
    void noKernelFileNamesAHostPathASandboxIdOrTheHostsBoot() throws Exception {
        Started other = sandboxes.start("echo ready; sleep 1000");
        try {
            Run run = sandboxes.run("cat /proc/self/mountinfo /proc/1/mountinfo /proc/mounts /proc/self/mountstats;"
                    + " ls -l /proc/1/fd /proc/self/fd 2>/dev/null; readlink /proc/1/exe /proc/1/cwd /proc/1/root;"
                    + " cat /proc/self/cgroup /proc/1/cgroup /proc/1/cmdline /proc/1/environ;"
                    + " cat /proc/cmdline /proc/partitions /proc/diskstats /proc/swaps /proc/sys/kernel/random/boot_id;"
                    + " cat /sys/block/*/loop/backing_file /sys/devices/virtual/block/*/loop/backing_file 2>/dev/null;"
                    + " ls -R /sys/block /sys/class/block /sys/dev/block; echo done");

            List<String> seen = new ArrayList<>(run.stdout());
            seen.addAll(run.stderr());
            AgentConfig config = sandboxes.host.config;
            String hostCmdline = SecuritySandboxes.kernelFile("/proc/cmdline");
            String bootId = SecuritySandboxes.kernelFile("/proc/sys/kernel/random/boot_id");
            List<String> secrets = List.of(sandboxes.host.base.toString(), config.dataDir().toString(),
                    config.imagesDir().toString(), run.id(), other.id(), config.cgroupParent(), hostCmdline, bootId);
            for (String secret : secrets) {
                assertThat(seen).as("what the sandbox read").noneMatch(line -> line.contains(secret));
            }
            assertThat(run.stdout()).last().isEqualTo("done");
            // the root is the overlay, named by descriptors the agent held while it mounted it
            assertThat(run.stdout()).anyMatch(line -> line.matches("[0-9]+ [0-9]+ [0-9:]+ / / rw,relatime - overlay mags "
                    + "rw,lowerdir=/proc/self/fd/[0-9]+,upperdir=/proc/self/fd/[0-9]+,workdir=/proc/self/fd/[0-9]+.*"));
            // bind mounts show their path in a file system of the sandbox's own
            assertThat(run.stdout()).anyMatch(line -> line.contains(" /etc/hostname /etc/hostname "))
                    .anyMatch(line -> line.contains(" /io /.mags/io "));
            // the init's stdout and stderr are an anonymous file, not a file of the sandbox directory
            assertThat(run.stdout()).filteredOn(line -> line.contains("/memfd:mags-init (deleted)")).hasSize(2);
            // its own cgroup is the root of its cgroup namespace, in every hierarchy
            List<String> cgroups = run.stdout().stream().filter(line -> line.matches("[0-9]+:[a-z_,=]*:/.*")).toList();
            assertThat(cgroups).anyMatch(line -> line.contains(":memory:")).anyMatch(line -> line.contains(":pids:"))
                    .allMatch(line -> line.endsWith(":/"));
        } finally {
            SecuritySandboxes.stop(other);
        }
    }

    @Test
    void theHostsKernelCommandLineBootIdAndDisksReadAsEmpty() throws Exception {
        Run run = sandboxes.run("for f in /proc/cmdline /proc/partitions /proc/diskstats /proc/swaps"
                + " /proc/sys/kernel/random/boot_id; do printf '%s ' $f; cat $f | wc -c; done;"
                + " for d in /sys/block /sys/class/block /sys/dev/block /sys/devices/virtual/block; do"
                + " printf '%s ' $d; ls -A $d | wc -l; done");

        assertThat(run.stdout()).containsExactly("/proc/cmdline 0", "/proc/partitions 0", "/proc/diskstats 0",
                "/proc/swaps 0", "/proc/sys/kernel/random/boot_id 0", "/sys/block 0", "/sys/class/block 0",
                "/sys/dev/block 0", "/sys/devices/virtual/block 0");
        assertThat(SecuritySandboxes.kernelFile("/proc/partitions")).as("what the host sees").isNotBlank();
    }

    @Test
    void neitherTheInitsOutputNorTheEtcFilesFillTheTmpfsThatAllSandboxDirectoriesShare() throws Exception {
        // Both were files on the tmpfs of <data-dir>/sandboxes: a job that wrote /etc/hosts or opened /proc/1/fd/1
        // could fill it, and no other sandbox could be built. Now the init's output is a memory file of its own,
        // charged to the sandbox's memory limit, and the /etc files are on a tmpfs of 256 KiB of the sandbox's own.
        Path shared = sandboxes.host.config.sandboxesDir();
        long usedBefore = used(shared);
        Started filler = sandboxes.start("dd if=/dev/zero of=/proc/1/fd/1 bs=1M count=64 2>/dev/null;"
                + " wc -c < /proc/1/fd/1; dd if=/dev/zero of=/etc/hosts bs=1M count=64 2>&1 | head -1; echo ready;"
                + " sleep 1000");
        try {
            assertThat(filler.output().stdout()).containsExactly(Long.toString(64L << 20),
                    "dd: error writing '/etc/hosts': No space left on device", "ready");
            assertThat(used(shared) - usedBefore).as("bytes more in use on " + shared).isLessThan(1L << 20);
        } finally {
            SecuritySandboxes.stop(filler);
        }
    }

    private static long used(Path dir) throws IOException {
        var store = Files.getFileStore(dir);
        return store.getTotalSpace() - store.getUnallocatedSpace();
    }
}
