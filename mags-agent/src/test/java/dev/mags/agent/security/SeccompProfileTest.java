package dev.mags.agent.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.security.SeccompProfile.Arg;
import dev.mags.agent.security.SeccompProfile.Rule;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeccompProfileTest {
    private static final int EPERM = 1;
    private static final int ENOSYS = 38;
    private static final SeccompProfile PROFILE = SeccompProfile.standard();

    /** What the filter answers for {@code syscall} with first argument {@code arg0}: errno, or 0 for allowed. */
    private static int verdict(String syscall, long arg0) {
        for (Rule rule : PROFILE.rulesFor(syscall)) {
            if (rule.args() == null || rule.args().stream().allMatch(a -> matches(a, arg0))) {
                return rule.errnoRet();
            }
        }
        return 0;
    }

    private static boolean matches(Arg arg, long value) {
        assertThat(arg.index()).isZero();
        return switch (arg.op()) {
            case "SCMP_CMP_MASKED_EQ" -> (value & arg.value()) == arg.valueTwo();
            default -> throw new AssertionError("the test does not model " + arg.op());
        };
    }

    @Test
    void allowsByDefaultOnEveryX86Abi() {
        assertThat(PROFILE.defaultAction()).isEqualTo("SCMP_ACT_ALLOW");
        assertThat(PROFILE.architectures()).containsExactly("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
    }

    @Test
    void everyRuleIsAnExplainedErrno() {
        assertThat(PROFILE.syscalls()).allSatisfy(rule -> {
            assertThat(rule.comment()).isNotBlank();
            assertThat(rule.action()).isEqualTo("SCMP_ACT_ERRNO");
            assertThat(rule.errnoRet()).isIn(EPERM, ENOSYS);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "bpf",
            "perf_event_open", "add_key", "request_key", "keyctl", "ptrace", "process_vm_readv", "process_vm_writev",
            "mount", "umount2", "pivot_root", "fsopen", "fsmount", "fsconfig", "move_mount", "open_tree", "fspick",
            "mount_setattr", "swapon", "swapoff", "clock_settime", "clock_adjtime", "adjtimex", "settimeofday", "stime",
            "reboot", "open_by_handle_at", "name_to_handle_at", "userfaultfd", "iopl", "ioperm", "acct", "quotactl",
            "lookup_dcookie", "setns", "io_uring_setup", "io_uring_enter", "io_uring_register", "uselib", "vhangup",
            "syslog", "nfsservctl"})
    void deniesWithEperm(String syscall) {
        assertThat(PROFILE.rulesFor(syscall)).as(syscall).hasSize(1);
        assertThat(verdict(syscall, 0)).isEqualTo(EPERM);
    }

    @Test
    void clone3FailsWithEnosysSoTheCLibraryFallsBackToClone() {
        assertThat(verdict("clone3", 0)).isEqualTo(ENOSYS);
    }

    @Test
    void cloneAndUnshareMayNotCreateNamespaces() {
        long[] namespaces = {0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000};
        for (long flag : namespaces) {
            assertThat(verdict("clone", flag | 17)).as("clone 0x%x", flag).isEqualTo(EPERM);
            assertThat(verdict("unshare", flag)).as("unshare 0x%x", flag).isEqualTo(EPERM);
        }
        assertThat(verdict("unshare", 0x80)).as("CLONE_NEWTIME").isEqualTo(EPERM);
        // fork, threads and unsharing plain process state stay allowed
        assertThat(verdict("clone", 17)).isZero();
        assertThat(verdict("clone", 0x003d0f00)).isZero();
        assertThat(verdict("unshare", 0x200 /* CLONE_FS */ | 0x400 /* CLONE_FILES */)).isZero();
    }

    @Test
    void personalityAllowsOnlyLinuxLinux32Uname26AndTheQuery() {
        List<Long> allowed = List.of(0L, 8L, 0x20000L, 0x20008L, 0xFFFF_FFFFL);
        List<Long> tried = LongStream.range(0, 32).map(b -> 1L << b).boxed().toList();
        for (long value : tried) {
            assertThat(verdict("personality", value)).as("personality(0x%x)", value).isEqualTo(allowed.contains(value) ? 0 : EPERM);
        }
        for (long value : allowed) {
            assertThat(verdict("personality", value)).as("personality(0x%x)", value).isZero();
        }
        assertThat(verdict("personality", 0x0040000)).as("ADDR_NO_RANDOMIZE").isEqualTo(EPERM);
        assertThat(verdict("personality", 0x8004_0000L)).as("ADDR_NO_RANDOMIZE with bit 31").isEqualTo(EPERM);
        assertThat(verdict("personality", 0xFFFF_FFFEL)).isEqualTo(EPERM);
        assertThat(verdict("personality", 0x1_0004_0000L)).as("high bits are ignored by the kernel").isEqualTo(EPERM);
    }

    @Test
    void everydaySystemCallsAreNotTouched() {
        for (String syscall : List.of("read", "write", "openat", "execve", "clone", "fork", "wait4", "socket", "connect",
                "chroot", "chown", "setuid", "kill", "prctl", "seccomp", "mmap")) {
            assertThat(PROFILE.rulesFor(syscall).stream().filter(r -> r.args() == null)).as(syscall).isEmpty();
        }
    }
}
