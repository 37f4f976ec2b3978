package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import dev.mags.agent.rootfs.DirectoryTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The symlink race on workspace sync, performed through a real magsd by an ordinary user: a persistent
 * workspace's script leaves a static probe running in the background that keeps exchanging directories
 * {@code /root/x/dN} (each holding a decoy {@code admin-token}) with symlinks {@code /root/x/lN} to the
 * server's data dir, which holds the real {@code admin-token}. Through 50 syncs asked for over the REST API,
 * every sync succeeds, and neither a job on the workspace's snapshot nor any object in storage shows the
 * server's token. Needs gcc on the host to build the probe (skipped without it).
 */
class SyncSymlinkRaceE2EIT {
    private static final int PAIRS = 8;
    private static final int SYNCS = 50;
    private static final String PROBE = "/usr/local/bin/race-probe";

    @TempDir
    Path tmp;

    @Test
    void aSandboxRacingTheSyncWithSymlinksToTheDataDirNeverGetsTheServersFilesIntoItsWorkspace() throws Exception {
        Path images = busyboxWithProbe(tmp.resolve("images"));
        Files.createDirectories(tmp.resolve("home"));
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), images, "busybox").start()) {
            race(magsd);
        } finally {
            DirectoryTree.delete(images); // the image's symlinks point out of the temp dir, which JUnit warns about
        }
    }

    private void race(MagsdFixture magsd) throws Exception {
        String token = userToken(magsd, "mallory");
        Map<String, String> env = Map.of("MAGS_API_URL", magsd.url(), "MAGS_API_TOKEN", token,
                "HOME", tmp.resolve("home").toString());
        String dataDir = magsd.dataDir.toAbsolutePath().toString();
        ok(env, "run", "-w", "loot", "-p", "mkdir -p /root/x && for i in $(seq 0 " + (PAIRS - 1) + "); do "
                + "mkdir /root/x/d$i && echo decoy-$i > /root/x/d$i/admin-token && ln -s " + dataDir + " /root/x/l$i; "
                // in a subshell, so that the probe is nobody's child once the script ends, and outlives it
                + "done; (" + PROBE + " /root/x " + PAIRS + " </dev/null >/dev/null 2>&1 &); echo started");

        try {
            Api api = new Api(magsd.url(), token);
            Set<String> snapshots = new HashSet<>();
            for (int i = 0; i < SYNCS; i++) {
                Api.Response r = api.post("/api/v1/mags-jobs/loot/sync", "{}");
                assertThat(r.status()).as("sync %d: %s", i, r.body()).isEqualTo(200);
                snapshots.add(r.body().get("snapshot_id").asText());
            }
            // the probe kept the tree changing under the syncs: they did not all find it as the one before
            assertThat(snapshots).as("snapshots of the 50 syncs").hasSizeGreaterThan(1);

            Proc.Result read = ok(env, "run", "--base", "loot", "cat /root/x/*/admin-token 2>/dev/null; true");
            assertThat(read.stdout()).contains("decoy-").doesNotContain(magsd.adminToken());
            byte[] secret = magsd.adminToken().getBytes(StandardCharsets.UTF_8);
            assertThat(objectsHolding(magsd.dataDir.resolve("s3"), secret)).as("stored objects holding the token").isEmpty();
            assertThat(objectsHolding(magsd.dataDir.resolve("s3"), "decoy-3".getBytes(StandardCharsets.UTF_8))).isNotEmpty();
        } finally {
            ok(env, "stop", "loot"); // ends the probe with its sandbox, after a final sync
        }
        assertThat(magsd.leaksAfterRelease()).isEmpty();
    }

    private static Proc.Result ok(Map<String, String> env, String... args) {
        Proc.Result r = Proc.run(env, Duration.ofMinutes(5), Repo.mags(), args);
        assertThat(r.exitCode()).as("mags %s\nstdout: %s\nstderr: %s", String.join(" ", args), r.stdout(), r.stderr())
                .isZero();
        return r;
    }

    static String userToken(MagsdFixture magsd, String user) {
        Proc.Result created = Proc.run(Map.of(), Duration.ofSeconds(60), Repo.magsd(), "token", "create", "--user", user,
                "--data-dir", magsd.dataDir.toString());
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        return created.stdout().strip();
    }

    /** The busybox image, built by {@code magsd image build}, plus the probe compiled statically on this host. */
    private static Path busyboxWithProbe(Path dir) throws Exception {
        Proc.Result built = Proc.run(Map.of(), Duration.ofMinutes(2), Repo.magsd(), "image", "build", "busybox",
                "--images-dir", dir.toString());
        assertThat(built.exitCode()).as(built.stdout() + built.stderr()).isZero();
        Path rootfs = dir.resolve("busybox/rootfs");
        // the image is shifted: its files belong to the sandbox's root on the host
        int offset = Api.JSON.readTree(dir.resolve("busybox/image.json").toFile()).get("id_offset").asInt();
        for (String d : List.of("usr/local", "usr/local/bin")) {
            Path p = rootfs.resolve(d);
            if (!Files.isDirectory(p)) {
                Files.createDirectory(p);
                Files.setAttribute(p, "unix:uid", offset);
                Files.setAttribute(p, "unix:gid", offset);
            }
        }
        Path probe = rootfs.resolve(PROBE.substring(1));
        Path source = dir.resolve("race-probe.c");
        try (InputStream in = SyncSymlinkRaceE2EIT.class.getResourceAsStream("race-probe.c")) {
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-static", "-O2", "-o", probe.toString(), source.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("gcc is not installed: the race probe cannot be built (" + e.getMessage() + ")");
            throw e;
        }
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor()).as("gcc: " + out).isZero();
        Files.setAttribute(probe, "unix:uid", offset);
        Files.setAttribute(probe, "unix:gid", offset);
        Files.setAttribute(probe, "unix:mode", 0755);
        return dir;
    }

    /**
     * The objects under the embedded S3 server's directory whose plain bytes contain {@code needle}: chunks
     * and packs are zstd frames (a pack several back to back); other files there (manifests are zstd too,
     * metadata are not) are read the same way, and those that do not decode are skipped.
     */
    private static List<Path> objectsHolding(Path s3Dir, byte[] needle) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(s3Dir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        return files.stream().filter(p -> contains(plain(p), needle)).toList();
    }

    private static byte[] plain(Path object) {
        try (InputStream in = new ZstdInputStream(Files.newInputStream(object))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
