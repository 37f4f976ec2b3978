package dev.mags.agent;

import static dev.mags.agent.EscapeImageRecipe.PROBE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mags.agent.SecuritySandboxes.Run;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Escape attempts through the kernel: modules, the clock, the host name, namespaces, the kernel log
 * and the system calls the seccomp profile denies. Busybox applets where they exist; the rest through
 * escape-probe, which is compiled into the test image when gcc is installed (skipped otherwise).
 */
class EscapeKernelIT {
    private static final String EPERM_TEXT = "Operation not permitted";
    private static SecuritySandboxes sandboxes;
    /** escape-probe's answer per attempt, all made in one sandbox. */
    private static final Map<String, String> probed = new HashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        sandboxes = SecuritySandboxes.create();
        if (sandboxes.hasProbe) {
            String attempts = "init_module finit_module delete_module kexec_load kexec_file_load bpf perf_event_open"
                    + " add_key keyctl request_key open_by_handle_at name_to_handle_at userfaultfd io_uring_setup clone3"
                    + " clone_newuser unshare_newuser unshare_newns unshare_fs fork setns mount umount2 pivot_root fsopen"
                    + " open_tree swapon clock_settime settimeofday adjtimex reboot acct iopl ioperm syslog personality_query"
                    + " personality_linux personality_no_randomize personality_bit31 modify_ldt vhangup uselib mknod_block chroot";
            Run run = sandboxes.run(PROBE + " " + attempts);
            for (String line : run.stdout()) {
                String[] parts = line.split(": ", 2);
                probed.put(parts[0], parts[1]);
            }
            assertThat(run.stderr()).isEmpty();
        }
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

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            // kernel code
            "init_module, EPERM", "finit_module, EPERM", "delete_module, EPERM", "kexec_load, EPERM", "kexec_file_load, EPERM",
            "bpf, EPERM", "perf_event_open, EPERM",
            // shared kernel state
            "add_key, EPERM", "keyctl, EPERM", "request_key, EPERM", "syslog, EPERM", "acct, EPERM", "swapon, EPERM",
            "reboot, EPERM",
            // "shocker": open any file of the host file system by handle
            "open_by_handle_at, EPERM", "name_to_handle_at, EPERM",
            // exploit helpers
            "userfaultfd, EPERM", "io_uring_setup, EPERM", "iopl, EPERM", "ioperm, EPERM", "modify_ldt, EPERM",
            "personality_no_randomize, EPERM", "personality_bit31, EPERM", "uselib, EPERM", "vhangup, EPERM",
            // namespaces and mounts
            "clone3, ENOSYS", "clone_newuser, EPERM", "unshare_newuser, EPERM", "unshare_newns, EPERM", "setns, EPERM",
            "mount, EPERM", "umount2, EPERM", "pivot_root, EPERM", "fsopen, EPERM", "open_tree, EPERM",
            // the clock, even a read through adjtimex
            "clock_settime, EPERM", "settimeofday, EPERM", "adjtimex, EPERM",
            "mknod_block, EPERM",
            // what stays allowed: the filter is precise, not a blanket denial
            "fork, OK", "unshare_fs, OK", "personality_query, OK", "personality_linux, OK", "chroot, OK"})
    void aSystemCallTheSandboxMustNotMakeFails(String attempt, String expected) {
        assumeTrue(sandboxes.hasProbe, "escape-probe needs gcc to be built");
        assertThat(probed).containsEntry(attempt, expected);
    }

    @Test
    void theSandboxRunsUnderTheSeccompFilterWithTheSmallCapabilitySet() throws Exception {
        Run run = sandboxes.run("grep -E '^(Cap(Prm|Eff|Bnd|Amb)|Seccomp|NoNewPrivs):' /proc/self/status");

        // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT
        assertThat(run.stdout()).containsExactly("CapPrm:\t00000000000405fb", "CapEff:\t00000000000405fb",
                "CapBnd:\t00000000000405fb", "CapAmb:\t0000000000000000", "NoNewPrivs:\t0", "Seccomp:\t2");
    }

    @Test
    void aKernelModuleCannotBeLoaded() throws Exception {
        Run run = sandboxes.run("echo junk > /tmp/evil.ko; insmod /tmp/evil.ko; rmmod loop");

        assertThat(run.stderr()).containsExactly("insmod: can't insert '/tmp/evil.ko': " + EPERM_TEXT,
                "rmmod: can't unload module 'loop': " + EPERM_TEXT);
    }

    @Test
    void theClockCannotBeSet() throws Exception {
        Run run = sandboxes.run("date -s '2001-01-01 00:00'; hwclock -s");

        assertThat(run.stderr()).containsExactly("date: can't set date: " + EPERM_TEXT,
                "hwclock: can't open '/dev/misc/rtc': No such file or directory");
        assertThat(Instant.now().atZone(ZoneOffset.UTC).getYear()).isGreaterThan(2024);
    }

    @Test
    void theHostNameCannotBeChangedNeitherTheSandboxsNorTheHosts() throws Exception {
        String hostName = SecuritySandboxes.kernelFile("/proc/sys/kernel/hostname");
        Run run = sandboxes.run("hostname evil; echo evil > /proc/sys/kernel/hostname; hostname");

        assertThat(run.stderr()).containsExactly("hostname: sethostname: " + EPERM_TEXT,
                "sh: can't create /proc/sys/kernel/hostname: Read-only file system");
        assertThat(run.stdout()).containsExactly("mags-vm");
        assertThat(SecuritySandboxes.kernelFile("/proc/sys/kernel/hostname")).isEqualTo(hostName);
    }

    @Test
    void theKernelLogCannotBeRead() throws Exception {
        Run run = sandboxes.run("dmesg; cat /proc/kmsg | wc -c");

        assertThat(run.stderr()).containsExactly("dmesg: klogctl: " + EPERM_TEXT);
        assertThat(run.stdout()).containsExactly("0");
    }

    @Test
    void noSwapNoRebootNoNetworkConfiguration() throws Exception {
        Run run = sandboxes.run("swapon /tmp; reboot -f; ip link add evil type dummy; ip link set lo down; echo done");

        assertThat(run.stderr()).containsExactly("swapon: /tmp: " + EPERM_TEXT, "reboot: (null): " + EPERM_TEXT,
                "ip: RTNETLINK answers: " + EPERM_TEXT, "ip: SIOCSIFFLAGS: " + EPERM_TEXT);
        assertThat(run.stdout()).containsExactly("done");
    }

    @Test
    void noNewUserNamespaceAndNoOtherNamespace() throws Exception {
        Run run = sandboxes.run("unshare -U id; unshare -r id; unshare -m true; unshare -n true; unshare -p -f true; echo done");

        assertThat(run.stderr()).containsExactly(
                "unshare: unshare(0x10000000): " + EPERM_TEXT, "unshare: unshare(0x10000000): " + EPERM_TEXT,
                "unshare: unshare(0x20000): " + EPERM_TEXT, "unshare: unshare(0x40000000): " + EPERM_TEXT,
                "unshare: unshare(0x20000000): " + EPERM_TEXT);
        assertThat(run.stdout()).containsExactly("done");
    }

    @Test
    void namespacesCannotBeJoined() throws Exception {
        Run run = sandboxes.run("nsenter -t 1 -u true; nsenter -t 1 -m true; nsenter --net=/proc/1/ns/net true; echo done");

        assertThat(run.stderr()).containsExactly(
                "nsenter: setns(): can't reassociate to namespace 'uts': " + EPERM_TEXT,
                "nsenter: setns(): can't reassociate to namespace 'mnt': " + EPERM_TEXT,
                "nsenter: setns(): can't reassociate to namespace 'net': " + EPERM_TEXT);
    }
}
