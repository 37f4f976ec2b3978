package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local workspaces through bin/mags and bin/magsd: the whole writable layer persists between runs. */
class WorkspaceE2EIT {
    @TempDir
    Path tmp;

    private static Proc.Result mags(Map<String, String> env, String... args) {
        return Proc.run(env, Duration.ofSeconds(60), Repo.mags(), args);
    }

    private static Path workspacesDir(MagsdFixture magsd) {
        return magsd.dataDir.resolve("workspaces");
    }

    private static long workspaceDirs(MagsdFixture magsd) throws Exception {
        if (!Files.isDirectory(workspacesDir(magsd))) {
            return 0;
        }
        try (Stream<Path> dirs = Files.list(workspacesDir(magsd))) {
            return dirs.count();
        }
    }

    @Test
    void changesAnywhereAndDeletionsPersistPerUserUntilDeleted() throws Exception {
        Files.createDirectories(tmp.resolve("home"));
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").start()) {
            Map<String, String> alice = magsd.cliEnv(tmp.resolve("home"));
            Proc.Result write = mags(alice, "run", "-w", "ws",
                    "echo hi > /root/a; mkdir -p /opt/t; echo x > /opt/t/x; rm /bin/vi");
            assertThat(write.exitCode()).as(write.stderr()).isZero();

            Proc.Result read = mags(alice, "run", "-w", "ws", "cat /root/a /opt/t/x; test ! -e /bin/vi");
            assertThat(read.exitCode()).as(read.stderr()).isZero();
            assertThat(read.stdout()).isEqualTo("hi\nx\n");

            Proc.Result created = Proc.run(Map.of(), Duration.ofSeconds(60), Repo.magsd(), "token", "create",
                    "--user", "bob", "--data-dir", magsd.dataDir.toString());
            assertThat(created.exitCode()).as(created.stderr()).isZero();
            Map<String, String> bob = new HashMap<>(alice);
            bob.put("MAGS_API_TOKEN", created.stdout().strip());
            Proc.Result other = mags(bob, "run", "-w", "ws", "test ! -e /root/a && test -e /bin/vi && echo clean");
            assertThat(other.stdout()).as(other.stderr()).isEqualTo("clean\n");

            Proc.Result list = mags(alice, "workspace", "list");
            assertThat(list.exitCode()).as(list.stderr()).isZero();
            assertThat(list.stdout()).contains("ws").contains("local");
            assertThat(workspaceDirs(magsd)).isEqualTo(2);

            Proc.Result deleted = mags(alice, "workspace", "delete", "ws");
            assertThat(deleted.exitCode()).as(deleted.stderr()).isZero();
            assertThat(mags(alice, "workspace", "list").stdout()).doesNotContain("ws");
            assertThat(mags(alice, "workspace", "delete", "ws").exitCode()).isNotZero();
            assertThat(mags(bob, "workspace", "delete", "ws").exitCode()).as("bob's own").isZero();
            assertThat(workspaceDirs(magsd)).isZero();
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }

    @Test
    void idleWorkspacesAreRemoved() throws Exception {
        Files.createDirectories(tmp.resolve("home"));
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox")
                .with("--workspace-idle-timeout", "2").start()) {
            Map<String, String> env = magsd.cliEnv(tmp.resolve("home"));
            assertThat(mags(env, "run", "-w", "brief", "echo x > /root/x").exitCode()).isZero();
            assertThat(workspaceDirs(magsd)).isEqualTo(1);

            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (workspaceDirs(magsd) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(workspaceDirs(magsd)).isZero();
            assertThat(mags(env, "workspace", "list").stdout()).doesNotContain("brief");
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }
}
