package dev.mags.agent;

import static dev.mags.agent.EscapeImageRecipe.CAP_BUSYBOX;
import static dev.mags.agent.EscapeImageRecipe.SUID_BUSYBOX;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.SecuritySandboxes.Run;
import dev.mags.agent.SecuritySandboxes.Started;
import dev.mags.protocol.v2.ExecExit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Root inside a sandbox is host uid 100000: the shifted image is its own, setuid binaries and file
 * capabilities work inside, and whatever it does happens as an unprivileged host user. Real runc.
 */
class UserNamespaceIT {
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

    private static String owner(Path path) throws IOException {
        return Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":"
                + Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void theImageIsRootsInsideAndTheMappedUidsOnTheHost() throws Exception {
        Run run = sandboxes.run("cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c '%u:%g %A %n' / /bin/busybox /etc/passwd "
                + SUID_BUSYBOX + " /home/alice");

        assertThat(run.exit()).isEqualTo(ExecExit.exited(0));
        assertThat(run.stdout()).containsExactly(
                "         0     100000      65536", "         0     100000      65536", "0",
                "0:0 drwxr-xr-x /", "0:0 -rwxr-xr-x /bin/busybox", "0:0 -rw-r--r-- /etc/passwd",
                "0:0 -rwsr-xr-x " + SUID_BUSYBOX, "1000:1000 drwxr-xr-x /home/alice");
        assertThat(owner(sandboxes.imageRootfs().resolve("bin/busybox"))).isEqualTo("100000:100000");
        assertThat(owner(sandboxes.imageRootfs().resolve("home/alice"))).isEqualTo("101000:101000");
    }

    @Test
    void rootWritesWhereRootCouldAsAPackageManagerDoes() throws Exception {
        Run run = sandboxes.run("set -e; echo 'deb http://example.org stable main' > /etc/sources.list;"
                + " mkdir -p /usr/lib/mags-pkg /var/lib/mags-pkg; cp /bin/busybox /usr/lib/mags-pkg/tool;"
                + " chown 1000:1000 /var/lib/mags-pkg; chmod 4755 /usr/lib/mags-pkg/tool;"
                + " echo 'bob:x:1001:1001::/home/bob:/bin/sh' >> /etc/passwd;"
                + " echo '10.0.0.1 db' >> /etc/hosts; echo other > /etc/hostname; rm /bin/ls;"
                + " stat -c '%u:%g %a %n' /usr/lib/mags-pkg/tool /var/lib/mags-pkg; grep -c bob /etc/passwd; tail -1 /etc/hosts");

        assertThat(run.stderr()).isEmpty();
        assertThat(run.stdout()).containsExactly("0:0 4755 /usr/lib/mags-pkg/tool", "1000:1000 755 /var/lib/mags-pkg", "1",
                "10.0.0.1 db");
    }

    @Test
    void theSandboxsProcessesAreTheMappedUidOnTheHost() throws Exception {
        Started started = sandboxes.start("sleep 1000 & echo ready; wait");
        try {
            List<Long> pids = sandboxes.hostPids(started.id());

            assertThat(pids).hasSizeGreaterThanOrEqualTo(2);
            for (long pid : pids) {
                List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
                assertThat(status).as("pid %d", pid).contains("Uid:\t100000\t100000\t100000\t100000",
                        "Gid:\t100000\t100000\t100000\t100000", "NoNewPrivs:\t0", "Seccomp:\t2");
            }
        } finally {
            SecuritySandboxes.stop(started);
        }
    }

    @Test
    void aSetuidBinaryMakesAnUnprivilegedUserRootInsideWhichIsStillTheMappedUid() throws Exception {
        // root's password is emptied in this sandbox only, so that busybox su lets alice in without a terminal
        Started started = sandboxes.start("sed -i 's/^root:x:/root::/' /etc/passwd;"
                + " su -s /bin/sh alice -c 'id -u; " + SUID_BUSYBOX + " su -c \"id -u; touch /made-by-setuid-root\" root';"
                + " echo ready; sleep 1000");
        try {
            assertThat(started.output().stdout()).containsExactly("1000", "0", "ready");
            Path made = sandboxes.upper(started.id()).resolve("made-by-setuid-root");
            assertThat(owner(made)).as("root inside, on the host").isEqualTo("100000:100000");
        } finally {
            SecuritySandboxes.stop(started);
        }
    }

    @Test
    void plainBusyboxSuIsRefusedToAnUnprivilegedUser() throws Exception {
        Run run = sandboxes.run("su -s /bin/sh alice -c 'su -c id root'");

        assertThat(run.stderr()).containsExactly("su: must be suid to work properly");
        assertThat(run.exitCode()).isEqualTo(1);
    }

    @Test
    void aFileCapabilityOfTheImageWorksInside() throws Exception {
        Run run = sandboxes.run("su -s /bin/sh alice -c '" + CAP_BUSYBOX + " grep CapEff /proc/self/status;"
                + " grep CapEff /proc/self/status'");

        assertThat(run.stdout()).containsExactly("CapEff:\t0000000000000400", "CapEff:\t0000000000000000");
    }
}
