package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPreconditionsTest {

    @Test
    void readsTheEffectiveUid(@TempDir Path dir) throws Exception {
        Path root = Files.writeString(dir.resolve("root"), "Name:\tjava\nUid:\t0\t0\t0\t0\n");
        Path user = Files.writeString(dir.resolve("user"), "Name:\tjava\nUid:\t1000\t1000\t1000\t1000\n");
        Path setuid = Files.writeString(dir.resolve("setuid"), "Uid:\t1000\t0\t0\t0\n");

        assertThat(HostPreconditions.isRoot(root)).isTrue();
        assertThat(HostPreconditions.isRoot(user)).isFalse();
        assertThat(HostPreconditions.isRoot(setuid)).isTrue();
        assertThat(HostPreconditions.isRoot(dir.resolve("missing"))).isFalse();
    }

    @Test
    void aMissingRuntimeSaysWhatToInstall() {
        FakeProcessLauncher launcher = new FakeProcessLauncher().respond(argv -> null);
        AgentConfig config = AgentConfig.defaults(Path.of("/d"), Path.of("/i")).withRuntimeBinary("no-such-runc");

        assertThatThrownBy(() -> HostPreconditions.check(config, new CommandRunner(launcher)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'no-such-runc' cannot be run")
                .hasMessageContaining("apt-get install runc");
    }

    @Test
    void aMissingBusyboxOrMkfsSaysWhatToInstall() {
        FakeProcessLauncher launcher = new FakeProcessLauncher().respond(argv -> argv.get(0).equals("mkfs.ext4") ? null
                : FakeProcess.succeeds("runc version 1.1.5"));
        AgentConfig config = AgentConfig.defaults(Path.of("/d"), Path.of("/i")).withInitBinary(Path.of("/no/such/busybox"));

        assertThatThrownBy(() -> HostPreconditions.check(config, new CommandRunner(launcher)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("apt-get install busybox-static")
                .hasMessageContaining("apt-get install e2fsprogs")
                .hasMessageNotContaining("install runc");
    }

    @Test
    void aBusyboxWithoutUnshareSaysWhatToInstall(@TempDir Path dir) throws Exception {
        Path busybox = Files.createFile(dir.resolve("busybox"));
        Files.setAttribute(busybox, "unix:mode", 0755);
        FakeProcessLauncher launcher = new FakeProcessLauncher().respond(argv -> argv.get(0).equals(busybox.toString())
                ? FakeProcess.exits(127, "", "unshare: applet not found") : FakeProcess.succeeds(""));
        AgentConfig config = AgentConfig.defaults(dir.resolve("data"), dir.resolve("images")).withInitBinary(busybox);

        assertThatThrownBy(() -> HostPreconditions.check(config, new CommandRunner(launcher)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(busybox + " has no unshare applet")
                .hasMessageContaining("unshare: applet not found")
                .hasMessageContaining("apt-get install busybox-static");
    }

    @Test
    void sandboxRootMustBeAbleToReachTheSandboxesDirectory(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("closed/data"));
        Files.setAttribute(dir, "unix:mode", 0755);
        Files.setAttribute(dir.resolve("closed"), "unix:mode", 0700);
        AgentConfig config = AgentConfig.defaults(data, dir.resolve("images"));

        assertThat(HostPreconditions.unreachableBySandboxRoot(config)).hasValue(
                "sandbox root (host uid 100000) cannot reach " + data.resolve("sandboxes") + ": " + dir.resolve("closed")
                        + " has mode 0700; let others search it (chmod o+x " + dir.resolve("closed")
                        + ") or choose another data directory");

        Files.setAttribute(dir.resolve("closed"), "unix:mode", 0711);
        assertThat(HostPreconditions.unreachableBySandboxRoot(config)).isEmpty();

        Files.setAttribute(dir.resolve("closed"), "unix:mode", 0710); // passable by the sandboxes' root group only
        Files.setAttribute(dir.resolve("closed"), "unix:gid", 100000);
        assertThat(HostPreconditions.unreachableBySandboxRoot(config)).isEmpty();
    }
}
