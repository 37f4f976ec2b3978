package dev.mags.agent;

import static dev.mags.agent.EscapeImageRecipe.PROBE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mags.agent.SecuritySandboxes.Run;
import dev.mags.agent.SecuritySandboxes.Started;
import dev.mags.protocol.v2.ExecExit;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Escape attempts against processes: see, signal or trace the host's or another sandbox's, leave one
 * running after the sandbox ends, leave the sandbox's cgroup. Real runc.
 */
class EscapeProcessIT {
    private static SecuritySandboxes sandboxes;
    private Process hostProcess;
    private String marker;

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

    /** A host process of the test's own, recognisable by its argument. */
    @BeforeEach
    void startAHostProcess() throws IOException {
        marker = Long.toString(900_000_000L + ThreadLocalRandom.current().nextLong(99_999_999L));
        hostProcess = new ProcessBuilder("sleep", marker).start();
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        assertThat(hostProcess.isAlive()).as("the host process survived").isTrue();
        hostProcess.destroy();
        hostProcess.waitFor(10, TimeUnit.SECONDS);
        assertThat(HostLeaks.scan(sandboxes.host.config)).isEmpty();
    }

    @Test
    void psAndProcListOnlyTheSandboxsProcesses() throws Exception {
        // The marker is put together at run time, so that the script's own command line does not hold it.
        String head = marker.substring(0, 4);
        String tail = marker.substring(4);
        // The "[x]yz" pattern keeps grep from finding its own command line in ps's output.
        Run run = sandboxes.run("m=" + head + "; m=${m}" + tail + "; ps -o args | grep -c \"[" + head.charAt(0) + "]"
                + head.substring(1) + tail + "\"; grep -l \"$m\" /proc/[0-9]*/cmdline;"
                + " ls /proc | grep -c '^[0-9]'; ls /proc/" + hostProcess.pid());

        // No process with the marker. /proc holds only the sandbox's: its init (sh and its sleep), the job's sh,
        // ls and grep; the init's sleep may not have been forked yet when the job counts (a fresh sandbox).
        assertThat(run.stdout()).hasSize(2);
        assertThat(run.stdout().get(0)).isEqualTo("0");
        assertThat(run.stdout().get(1)).isIn("4", "5");
        assertThat(run.stderr()).containsExactly("ls: /proc/" + hostProcess.pid() + ": No such file or directory");
    }

    @Test
    void aHostProcessCannotBeSignalled() throws Exception {
        long pid = hostProcess.pid();
        Run run = sandboxes.run("kill -9 " + pid + "; kill -KILL -" + pid + "; kill -9 -1; echo alive");

        // -1 is every process the sender may signal but init and itself: in the sandbox's pid namespace only
        // the init's sleep, which the init starts again
        assertThat(run.stderr()).containsExactly("sh: can't kill pid " + pid + ": No such process",
                "sh: can't kill pid -" + pid + ": No such process");
        assertThat(run.stdout()).containsExactly("alive");
        assertThat(hostProcess.isAlive()).as("the host process survived").isTrue();
    }

    @Test
    void anotherSandboxsProcessIsInvisibleAndCannotBeSignalled() throws Exception {
        Started other = sandboxes.start("sleep 1000 & echo ready; wait");
        try {
            List<Long> pids = sandboxes.hostPids(other.id());
            StringBuilder script = new StringBuilder();
            for (long pid : pids) {
                script.append("kill -9 ").append(pid).append(" 2>&1 | grep -c 'No such process'; ");
            }
            Run run = sandboxes.run(script.toString());

            assertThat(run.stdout()).hasSize(pids.size()).containsOnly("1");
            assertThat(other.sandbox().exit()).isNotDone();
        } finally {
            SecuritySandboxes.stop(other);
        }
    }

    @Test
    void noProcessCanBeTraced() throws Exception {
        assumeTrue(sandboxes.hasProbe, "escape-probe needs gcc to be built");
        Run run = sandboxes.run("sleep 1000 & " + PROBE + " --pid=$! ptrace_attach process_vm_readv ptrace_traceme;"
                + " " + PROBE + " --pid=1 ptrace_attach; " + PROBE + " --pid=" + hostProcess.pid() + " ptrace_attach; kill $!");

        assertThat(run.stdout()).containsExactly("ptrace_attach: EPERM", "process_vm_readv: EPERM", "ptrace_traceme: EPERM",
                "ptrace_attach: EPERM", "ptrace_attach: EPERM");
    }

    @Test
    void noProcessOutlivesTheSandbox() throws Exception {
        String keep = Long.toString(Long.parseLong(marker) + 1);
        Run run = sandboxes.run("setsid sh -c 'sleep " + keep + " &';"               // new session, re-parented
                + " (sh -c '(sleep " + keep + " &) &' &);"                              // double fork
                + " (trap '' HUP TERM INT; exec sleep " + keep + ") &"                 // ignores polite signals
                + " start-stop-daemon -S -b -x /bin/sleep -- " + keep + ";"               // a daemon, as init scripts start one
                + " for i in $(seq 50); do n=$(ps -o args | grep -c 'sleep " + keep + "$'); [ $n = 4 ] && break; sleep 0.1; done;"
                + " echo $n");

        assertThat(run.exit()).isEqualTo(ExecExit.exited(0));
        assertThat(run.stdout()).as("all four were running when the sandbox's main process ended").containsExactly("4");
        assertThat(LocalAgentIT.processesWithCommandLine("sleep " + keep)).isEmpty();
        assertThat(LocalAgentIT.processesWithCommandLine("/bin/sleep " + keep)).isEmpty();
    }

    @Test
    void aProcessCannotLeaveItsCgroup() throws Exception {
        Run run = sandboxes.run("echo $$ > /sys/fs/cgroup/pids/cgroup.procs; echo $$ > /sys/fs/cgroup/pids/tasks;"
                + " echo max > /sys/fs/cgroup/pids/pids.max; echo done");

        assertThat(run.stderr()).containsExactly(
                "sh: can't create /sys/fs/cgroup/pids/cgroup.procs: Read-only file system",
                "sh: can't create /sys/fs/cgroup/pids/tasks: Read-only file system",
                "sh: can't create /sys/fs/cgroup/pids/pids.max: Read-only file system");
    }
}
