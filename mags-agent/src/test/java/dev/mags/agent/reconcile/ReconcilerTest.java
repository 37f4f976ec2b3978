package dev.mags.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.cgroup.CgroupTree;
import dev.mags.agent.disk.Losetup;
import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import dev.mags.agent.rootfs.Mount;
import dev.mags.agent.runtime.Runc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconcilerTest {
    @TempDir
    Path dir;

    private final FakeProcessLauncher launcher = new FakeProcessLauncher();
    private Path sandboxes;
    private Path disks;
    private Path cgroups;
    private Reconciler reconciler;

    @BeforeEach
    void setUp() throws Exception {
        sandboxes = Files.createDirectories(dir.resolve("data/sandboxes"));
        disks = dir.resolve("data/sandbox-disks");
        cgroups = Files.createDirectories(dir.resolve("cgroup"));
        Path mountInfo = Files.writeString(dir.resolve("mountinfo"), String.join("\n",
                "27 1 254:0 / / rw - ext4 /dev/vda rw",
                "80 27 0:40 / " + sandboxes + " rw - tmpfs tmpfs rw",
                "89 80 7:9 / " + sandboxes.resolve("orphan/disk") + " rw - ext4 /dev/loop9 rw",
                "90 80 0:50 / " + sandboxes.resolve("orphan/rootfs") + " rw - overlay mags-orphan rw",
                "91 80 0:51 / " + sandboxes.resolve("kept/rootfs") + " rw - overlay mags-kept rw",
                "92 80 0:52 / " + sandboxes.resolve("warm-1/rootfs") + " rw - overlay mags-warm-1 rw",
                "93 80 7:5 / " + sandboxes.resolve("kept/disk") + " rw - ext4 /dev/loop5 rw", ""));
        Path sysBlock = Files.createDirectories(dir.resolve("sys-block"));
        for (String[] loop : new String[][] {{"loop9", "orphan"}, {"loop8", "kept"}, {"loop7", "warm-1"}}) {
            Files.createDirectories(sysBlock.resolve(loop[0]).resolve("loop"));
            Files.writeString(sysBlock.resolve(loop[0]).resolve("loop/backing_file"),
                    disks.resolve(loop[1] + ".img") + "\n");
        }
        for (String id : List.of("orphan", "kept", "warm-1", "stale")) {
            Files.writeString(Files.createDirectories(disks).resolve(id + ".img"), "");
        }
        // Workspace disks: ws-a is mounted by the kept sandbox, ws-b by nothing any more.
        for (String[] loop : new String[][] {{"loop5", "ws-a"}, {"loop4", "ws-b"}}) {
            Path disk = Files.createDirectories(dir.resolve("workspaces").resolve(loop[1])).resolve("disk.img");
            Files.writeString(disk, "");
            Files.createDirectories(sysBlock.resolve(loop[0]).resolve("loop"));
            Files.writeString(sysBlock.resolve(loop[0]).resolve("loop/backing_file"), disk + "\n");
        }
        launcher.respond(argv -> argv.contains("list")
                ? FakeProcess.succeeds("[{\"id\":\"orphan\",\"pid\":1,\"status\":\"running\",\"bundle\":\"/b\"},"
                        + "{\"id\":\"kept\",\"pid\":2,\"status\":\"running\",\"bundle\":\"/b\"}]")
                : FakeProcess.succeeds(""));
        CommandRunner runner = new CommandRunner(launcher);
        reconciler = new Reconciler(new Runc(runner, "runc", dir.resolve("runtime")), new Mount(runner, mountInfo),
                new Losetup(runner, sysBlock), new CgroupTree(cgroups), "mags", sandboxes, disks, dir.resolve("workspaces"));
        Files.createDirectories(dir.resolve("runtime/half"));
        Files.writeString(dir.resolve("runtime/half/exec.fifo"), "");
        Files.createDirectories(dir.resolve("runtime/kept"));
        for (String id : List.of("orphan", "kept", "warm-1")) {
            Files.createDirectories(sandboxes.resolve(id).resolve("upper"));
            Files.createDirectories(cgroups.resolve("memory/mags").resolve(id));
        }
        Files.writeString(sandboxes.resolve("warm-1/sandbox-id"), "job-7\n");
    }

    @Test
    void reapsEverythingNotKeptAndNothingElse() {
        Reaped report = reconciler.reconcile(Set.of("kept"));

        assertThat(report.ids()).containsExactly("half", "job-7", "orphan", "stale");
        assertThat(dir.resolve("runtime/half")).doesNotExist();
        assertThat(dir.resolve("runtime/kept")).isDirectory();
        assertThat(launcher.started()).contains(
                List.of("runc", "--root", dir.resolve("runtime").toString(), "kill", "orphan", "KILL"),
                List.of("runc", "--root", dir.resolve("runtime").toString(), "delete", "--force", "orphan"),
                List.of("umount", sandboxes.resolve("orphan/rootfs").toString()),
                List.of("umount", sandboxes.resolve("orphan/disk").toString()),
                List.of("losetup", "--detach", "/dev/loop9"),
                List.of("umount", sandboxes.resolve("warm-1/rootfs").toString()),
                List.of("losetup", "--detach", "/dev/loop7"));
        List<List<String>> umounts = launcher.started().stream().filter(a -> a.get(0).equals("umount")).toList();
        assertThat(umounts.indexOf(List.of("umount", sandboxes.resolve("orphan/rootfs").toString())))
                .as("the overlay goes before the disk under it")
                .isLessThan(umounts.indexOf(List.of("umount", sandboxes.resolve("orphan/disk").toString())));
        assertThat(launcher.started()).noneSatisfy(argv -> assertThat(argv).contains("kept"));
        assertThat(launcher.started()).noneSatisfy(argv -> assertThat(argv).contains("/dev/loop8"));
        assertThat(launcher.started()).noneSatisfy(argv -> assertThat(argv).containsExactly("umount", sandboxes.toString()));
        assertThat(cgroups.resolve("memory/mags/orphan")).doesNotExist();
        assertThat(cgroups.resolve("memory/mags/kept")).isDirectory();
        assertThat(sandboxes.resolve("kept")).isDirectory();
        assertThat(disks.resolve("stale.img")).as("an image no loop device backs onto").doesNotExist();
        assertThat(disks.resolve("kept.img")).isRegularFile();
        // the fake detach leaves the device listed: an image still attached is kept and reported
        assertThat(disks.resolve("orphan.img")).isRegularFile();
        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("orphan.img").contains("loop device"));
    }

    @Test
    void detachesOnlyStrayLoopsOnWorkspaceDisksAndKeepsTheDisks() {
        reconciler.reconcile(Set.of("kept"));

        assertThat(launcher.started()).contains(List.of("losetup", "--detach", "/dev/loop4"));
        assertThat(launcher.started()).noneSatisfy(argv -> assertThat(argv).contains("/dev/loop5"));
        assertThat(dir.resolve("workspaces/ws-a/disk.img")).isRegularFile();
        assertThat(dir.resolve("workspaces/ws-b/disk.img")).isRegularFile();
    }

    @Test
    void aPoolMemberHandedToAJobIsKeptByTheJobsSandboxId() {
        Reaped report = reconciler.reconcile(Set.of("kept", "job-7"));

        assertThat(report.ids()).containsExactly("half", "orphan", "stale");
        assertThat(cgroups.resolve("memory/mags/warm-1")).isDirectory();
        assertThat(launcher.started()).noneSatisfy(argv -> assertThat(argv).contains("/dev/loop7"));
    }

    @Test
    void keepsADirectoryThatStillHasAMountAndSaysSo() {
        // The fake umount "succeeds" without changing the table, as if the mount came back.
        Reaped report = reconciler.reconcile(Set.of("kept"));

        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("orphan").contains("still mounted"));
        assertThat(sandboxes.resolve("orphan")).isDirectory();
    }
}
