package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What other accounts of the host can do with the files magsd keeps of its users: a setuid file a user
 * planted in a workspace, once restored on the host as a base, cannot be run from the host; nobody reads the
 * state store, tokens, keys, disk images or S3 objects, even from a server started with umask 000; a start on
 * a data dir with loose modes tightens them and says so. Each attack is run as the host's {@code nobody} and
 * as the sandboxes' root (host uid 100000), the account an escape from a sandbox would give.
 */
class HostFilesE2EIT {
    @TempDir
    Path tmp;

    private MagsdFixture magsd(String... args) throws IOException {
        Files.createDirectories(tmp.resolve("home"));
        return new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").with(args);
    }

    private static Proc.Result ok(Map<String, String> env, String... args) {
        Proc.Result r = Proc.run(env, Duration.ofMinutes(5), Repo.mags(), args);
        assertThat(r.exitCode()).as("mags %s\nstdout: %s\nstderr: %s", String.join(" ", args), r.stdout(), r.stderr())
                .isZero();
        return r;
    }

    @Test
    void aSetuidFilePlantedInAWorkspaceCannotBeRunFromTheHostOnceRestoredAsABase() throws Exception {
        try (MagsdFixture magsd = magsd().start()) {
            Map<String, String> env = magsd.cliEnv(tmp.resolve("home"));
            Proc.Result planted = ok(env, "run", "-w", "golden", "-p",
                    "mkdir -p /opt/x && cp /bin/busybox /opt/x/sgsh && chmod 6755 /opt/x/sgsh && ls -l /opt/x/sgsh");
            assertThat(planted.stdout()).startsWith("-rwsr-sr-x");
            ok(env, "sync", "golden");
            // A fork's sandbox stays up: the restored base is in use, where the attacker would look for it.
            ok(env, "run", "--base", "golden", "-w", "fork", "-p", "test -u /opt/x/sgsh && test -g /opt/x/sgsh");

            Path sgsh = find(magsd.dataDir.resolve("bases"), "sgsh");
            assertThat(HostUsers.mode(sgsh)).as("the copy on the host keeps the user's setuid and setgid bits")
                    .isEqualTo(06755);
            assertThat(Files.getAttribute(sgsh, "unix:uid")).isEqualTo(HostUsers.SANDBOX_ROOT);

            Proc.Result search = HostUsers.asNobody("find " + magsd.dataDir + " -name sgsh; echo searched");
            assertThat(search.stdout()).isEqualTo("searched\n");
            assertThat(search.stderr()).contains(magsd.dataDir.toString()).contains("Permission denied");
            for (Proc.Result run : List.of(HostUsers.asNobody("exec " + sgsh + " id"),
                    HostUsers.asSandboxRoot("exec " + sgsh + " id"))) {
                assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isEqualTo(126);
                assertThat(run.stderr()).contains(sgsh + ": Permission denied");
                assertThat(run.stdout()).isEmpty();
            }
            assertThat(mountOptions(magsd.dataDir.resolve("bases"))).as("even root's processes gain no id there")
                    .contains("nosuid", "nodev");

            assertThat(HostUsers.may(magsd.dataDir, HostUsers.NOBODY, HostUsers.NOBODY, 1)).isFalse();
            assertThat(HostUsers.reachable(magsd.dataDir, HostUsers.NOBODY, HostUsers.NOBODY)).isEmpty();
            assertThat(exposedToSandboxRoot(magsd.dataDir)).as("the sandboxes' root passes only to its sandboxes' dirs")
                    .isEmpty();

            ok(env, "workspace", "delete", "fork");
            ok(env, "workspace", "delete", "golden");
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }

    @Test
    void nobodyReadsNoSecretNorUsersDataEvenFromAServerStartedWithUmask000() throws Exception {
        try (MagsdFixture magsd = magsd().withJvmUmask("000").start()) {
            Map<String, String> env = magsd.cliEnv(tmp.resolve("home"));
            ok(env, "run", "--env", "TOKEN=s3cr3t-value", "echo $TOKEN");
            ok(env, "run", "-w", "local", "echo mine > /root/f");
            ok(env, "run", "-w", "kept", "-p", "echo kept > /root/k");
            ok(env, "sync", "kept");
            Path data = magsd.dataDir;
            assertThat(Files.readString(data.resolve("state.db"), StandardCharsets.ISO_8859_1)
                    + Files.readString(data.resolve("state.db-wal"), StandardCharsets.ISO_8859_1))
                    .as("the job's secret is in the state store").contains("s3cr3t-value");

            List<Path> ours = new ArrayList<>(List.of(data.resolve("state.db"), data.resolve("state.db-wal"),
                    data.resolve("state.db-shm"), data.resolve("admin-token"), data.resolve("s3.json"),
                    data.resolve("magsd.lock")));
            ours.addAll(files(data.resolve("workspaces"), "disk.img"));
            ours.addAll(files(data.resolve("disk-templates"), ".img"));
            assertThat(ours).hasSizeGreaterThan(8);
            assertThat(ours).allSatisfy(f -> assertThat(HostUsers.mode(f)).as(f.toString()).isEqualTo(0600));
            assertThat(HostUsers.mode(data)).isEqualTo(0710);
            for (String dir : List.of("s3", "workspaces", "workspace-index", "bases", "disk-templates", "sandbox-disks")) {
                assertThat(HostUsers.mode(data.resolve(dir))).as(dir).isEqualTo(0700);
            }

            List<Path> targets = new ArrayList<>(ours);
            List<Path> objects = files(data.resolve("s3"), "");
            assertThat(objects).anyMatch(o -> o.toString().contains("/snapshots/"));
            targets.addAll(objects);
            targets.addAll(files(data.resolve("workspace-index"), ""));
            String script = targets.stream().map(f -> "cat '" + f + "' > /dev/null 2>&1 && echo READ " + f)
                    .collect(Collectors.joining("; ")) + "; echo done";
            assertThat(HostUsers.asNobody(script).stdout()).isEqualTo("done\n");
            assertThat(HostUsers.asSandboxRoot(script).stdout()).isEqualTo("done\n");
            assertThat(HostUsers.reachable(data, HostUsers.NOBODY, HostUsers.NOBODY)).isEmpty();
            assertThat(exposedToSandboxRoot(data)).isEmpty();

            ok(env, "workspace", "delete", "kept");
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }

    @Test
    void aStartOnADataDirWithLooseModesTightensThemAndSaysWhat() throws Exception {
        try (MagsdFixture magsd = magsd()) {
            magsd.start();
            Map<String, String> env = magsd.cliEnv(tmp.resolve("home"));
            ok(env, "run", "-w", "local", "echo mine > /root/f");
            magsd.close();
            assertThat(magsd.log()).as("a new data dir is private from the start").doesNotContain("made the data dir");

            Path data = magsd.dataDir;
            Path disk = files(data.resolve("workspaces"), "disk.img").getFirst();
            Files.setAttribute(data, "unix:gid", 0);
            Files.setAttribute(data, "unix:mode", 0755);
            for (String f : List.of("state.db", "admin-token", "s3.json")) {
                Files.setAttribute(data.resolve(f), "unix:mode", 0644);
            }
            Files.setAttribute(data.resolve("s3.json"), "unix:uid", 1000);
            Files.setAttribute(data.resolve("s3"), "unix:mode", 0755);
            Files.setAttribute(data.resolve("workspaces"), "unix:mode", 0755);
            Files.setAttribute(disk, "unix:mode", 0666);

            magsd.start();

            assertThat(HostUsers.mode(data)).isEqualTo(0710);
            assertThat(Files.getAttribute(data, "unix:gid")).isEqualTo(HostUsers.SANDBOX_ROOT);
            for (String f : List.of("state.db", "admin-token", "s3.json")) {
                assertThat(HostUsers.mode(data.resolve(f))).as(f).isEqualTo(0600);
            }
            assertThat(Files.getAttribute(data.resolve("s3.json"), "unix:uid")).isEqualTo(0);
            assertThat(HostUsers.mode(data.resolve("s3"))).isEqualTo(0700);
            assertThat(HostUsers.mode(disk)).isEqualTo(0600);
            String line = magsd.log().lines().filter(l -> l.contains("made the data dir")).findFirst().orElse("");
            assertThat(line).contains(". 0:0 0755 -> 0:100000 0710", "state.db 0:0 0644 -> 0:0 0600",
                    "admin-token 0:0 0644 -> 0:0 0600", "s3.json 1000:0 0644 -> 0:0 0600", "s3 0:0 0755 -> 0:0 0700",
                    "workspaces 0:0 0755 -> 0:0 0700", data.relativize(disk) + " 0:0 0666 -> 0:0 0600");
            assertThat(HostUsers.asNobody("cat " + data.resolve("state.db") + " > /dev/null").stderr())
                    .contains("Permission denied");
            ok(env, "run", "-w", "local", "cat /root/f");
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }

    /** What the sandboxes' root can read, run or enter under the data dir, besides the sandboxes' own directories. */
    private static List<Path> exposedToSandboxRoot(Path data) {
        int id = HostUsers.SANDBOX_ROOT;
        Path sandboxes = data.resolve("sandboxes");
        return HostUsers.reachable(data, id, id).stream()
                .filter(p -> HostUsers.may(p, id, id, 4) || HostUsers.may(p, id, id, 1))
                .filter(p -> !p.equals(sandboxes))
                .filter(p -> !(p.startsWith(sandboxes) && ownedBySandboxRoot(sandboxes.resolve(sandboxes.relativize(p).getName(0)))))
                .toList();
    }

    private static boolean ownedBySandboxRoot(Path sandboxDir) {
        try {
            return (int) Files.getAttribute(sandboxDir, "unix:uid", LinkOption.NOFOLLOW_LINKS) == HostUsers.SANDBOX_ROOT;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path find(Path dir, String name) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + name + " under " + dir));
        }
    }

    /** Regular files under {@code dir} whose names end with {@code suffix}. */
    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && p.getFileName().toString().endsWith(suffix))
                    .toList();
        }
    }

    /** The options of the mount on {@code dir}, from the mount table. */
    private static String mountOptions(Path dir) throws IOException {
        String point = dir.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" "))
                .filter(f -> f[4].equals(point)).map(f -> f[5]).reduce((a, b) -> b).orElse("");
    }
}
