package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.storage.s3.EmbeddedS3;
import dev.mags.testkit.FreePort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Persistent workspaces through bin/mags and bin/magsd with real S3 (the embedded S3Proxy, or one the
 * test runs and stops): changes and deletions persist through storage, the data is ordinary S3 objects,
 * files come back after the server's copy is deleted or the server is killed, storage outages fail loudly
 * and lose nothing, forks see their base without changing it, chunks are stored once.
 */
class PersistentWorkspaceE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Proc.Result mags(Map<String, String> env, String... args) {
        return Proc.run(env, Duration.ofMinutes(5), Repo.mags(), args);
    }

    private static Proc.Result ok(Map<String, String> env, String... args) {
        Proc.Result r = mags(env, args);
        assertThat(r.exitCode()).as("mags %s\nstdout: %s\nstderr: %s", String.join(" ", args), r.stdout(), r.stderr())
                .isZero();
        return r;
    }

    private MagsdFixture magsd(String... args) throws IOException {
        Files.createDirectories(tmp.resolve("home"));
        return new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").with(args);
    }

    /** Removes everything this server keeps of its workspaces on its own disk; storage keeps its copy. */
    private static void deleteLocalCopies(MagsdFixture magsd) throws IOException {
        DirectoryTree.delete(magsd.dataDir.resolve("workspaces"));
        DirectoryTree.delete(magsd.dataDir.resolve("workspace-index"));
    }

    private static void assertNoLeaks(MagsdFixture magsd) {
        assertThat(magsd.leaksAfterRelease()).isEmpty();
    }

    @Test
    void changesAndDeletionsPersistThroughStorageAsOrdinaryObjects() throws Exception {
        try (MagsdFixture magsd = magsd().start()) {
            Map<String, String> env = magsd.cliEnv(tmp.resolve("home"));
            ok(env, "run", "-w", "ws", "-p", "echo hi > /root/a; mkdir -p /opt/t; echo x > /opt/t/x; rm /bin/vi");
            Proc.Result read = ok(env, "run", "-w", "ws", "-p", "cat /root/a /opt/t/x; test ! -e /bin/vi");
            assertThat(read.stdout()).isEqualTo("hi\nx\n");

            ok(env, "stop", "ws"); // syncs, then ends the sandbox
            Proc.Result list = ok(env, "workspace", "list");
            assertThat(list.stdout()).contains("ws").contains("persistent");

            // A standard S3 client from Debian's packages sees the snapshot and the pack holding the small files.
            List<String> objects = s3cmdList(magsd.dataDir.resolve("s3.json"));
            assertThat(objects).anyMatch(o -> o.contains("/workspaces/") && o.contains("/ws/snapshots/"));
            assertThat(objects).anyMatch(o -> o.contains("/packs/"));

            deleteLocalCopies(magsd);
            Proc.Result restored = ok(env, "run", "-w", "ws", "-p", "cat /root/a /opt/t/x; test ! -e /bin/vi && echo gone");
            assertThat(restored.stdout()).isEqualTo("hi\nx\ngone\n");
            ok(env, "workspace", "delete", "ws");
            assertThat(s3cmdList(magsd.dataDir.resolve("s3.json"))).noneMatch(o -> o.contains("/workspaces/"));
            assertNoLeaks(magsd);
        }
    }

    @Test
    void aFileWrittenBeforeTheSyncIntervalSurvivesKill9() throws Exception {
        try (MagsdFixture magsd = magsd("--workspace-sync-interval", "2").start()) {
            Map<String, String> env = magsd.cliEnv(tmp.resolve("home"));
            ok(env, "run", "-w", "live", "-p", "echo precious > /root/f");
            Thread.sleep(6000); // past the sync interval, the sandbox still running
            magsd.crash();
            deleteLocalCopies(magsd); // only storage can bring it back now
            magsd.start();
            Proc.Result read = ok(env, "run", "-w", "live", "cat /root/f");
            assertThat(read.stdout()).isEqualTo("precious\n");
            ok(env, "workspace", "delete", "live");
            assertNoLeaks(magsd);
        }
    }

    @Test
    void withStorageDownASyncFailsClearlyAndTheNextOneAfterItReturnsSucceeds() throws Exception {
        Path s3Dir = tmp.resolve("external-s3");
        int port = FreePort.pick();
        EmbeddedS3 s3 = EmbeddedS3.start(s3Dir, port, "test-key", "test-secret-0123456789");
        try (MagsdFixture magsd = magsd("--s3-endpoint", s3.endpoint().toString(), "--s3-access-key", "test-key",
                "--s3-secret-key", "test-secret-0123456789", "--s3-bucket", "outage").start()) {
            Map<String, String> env = magsd.cliEnv(tmp.resolve("home"));
            ok(env, "run", "-w", "ws", "-p", "echo one > /root/one");
            ok(env, "sync", "ws");

            s3.close();
            ok(env, "run", "-w", "ws", "-p", "echo two > /root/two");
            Proc.Result failed = mags(env, "sync", "ws");
            assertThat(failed.exitCode()).isNotZero();
            assertThat(failed.stderr()).containsIgnoringCase("storage");
            Proc.Result stop = mags(env, "stop", "ws"); // the final sync fails too: the files stay on the server
            assertThat(stop.exitCode()).isNotZero();
            assertThat(stop.stderr()).contains("final sync failed");
            Proc.Result local = ok(env, "run", "-w", "ws", "cat /root/one /root/two");
            assertThat(local.stdout()).isEqualTo("one\ntwo\n");

            s3 = EmbeddedS3.start(s3Dir, port, "test-key", "test-secret-0123456789");
            Proc.Result synced = ok(env, "sync", "ws");
            assertThat(synced.stdout()).contains("Synced workspace ws");
            deleteLocalCopies(magsd);
            Proc.Result restored = ok(env, "run", "-w", "ws", "cat /root/one /root/two");
            assertThat(restored.stdout()).isEqualTo("one\ntwo\n");
            ok(env, "workspace", "delete", "ws");
            assertNoLeaks(magsd);
        } finally {
            s3.close();
        }
    }

    @Test
    void aForkSeesItsBaseWithoutChangingItAndSharedFilesAreStoredOnce() throws Exception {
        try (MagsdFixture magsd = magsd().start()) {
            Map<String, String> env = magsd.cliEnv(tmp.resolve("home"));
            ok(env, "run", "-w", "golden", "-p", "--disk", "3",
                    "echo gold > /root/g; head -c 104857600 /dev/urandom > /root/big; rm /bin/vi");
            ok(env, "sync", "golden");
            long goldenChunks = chunkBytes(magsd);
            assertThat(goldenChunks).isBetween(100L << 20, 110L << 20);

            Proc.Result fork = ok(env, "run", "--base", "golden", "-w", "fork-1", "-p", "--disk", "3",
                    "cat /root/g; test ! -e /bin/vi && echo gone; echo forked > /root/g; cp /root/big /root/big2");
            assertThat(fork.stdout()).isEqualTo("gold\ngone\n");
            ok(env, "stop", "fork-1");
            // The copy's chunks were in the bucket already: the bucket grew by far less than 100 MB.
            assertThat(chunkBytes(magsd) - goldenChunks).isLessThan(1L << 20);

            Proc.Result golden = ok(env, "run", "-w", "golden", "cat /root/g");
            assertThat(golden.stdout()).isEqualTo("gold\n");
            ok(env, "stop", "golden");
            deleteLocalCopies(magsd);
            Proc.Result again = ok(env, "run", "-w", "fork-1", "cat /root/g; cmp /root/big /root/big2 && echo same");
            assertThat(again.stdout()).isEqualTo("forked\nsame\n");
            Proc.Result ephemeral = ok(env, "run", "--base", "golden", "cat /root/g; echo lost > /root/g");
            assertThat(ephemeral.stdout()).isEqualTo("gold\n");

            Proc.Result list = ok(env, "workspace", "list");
            assertThat(list.stdout()).contains("from golden");
            ok(env, "workspace", "delete", "fork-1");
            ok(env, "workspace", "delete", "golden");
            assertNoLeaks(magsd);
        }
    }

    /**
     * kill -9 of magsd while it syncs 1 GiB, at several points of the sync: after the restart, with the
     * server's own copy deleted, the workspace restored from storage is the previous snapshot or the new
     * one, byte for byte, never a mix.
     */
    @Test
    void killingMagsdMidSyncLeavesThePreviousSnapshotOrTheNewOneNeverAMix() throws Exception {
        try (MagsdFixture magsd = magsd("--workspace-sync-interval", "3600").start()) {
            Map<String, String> env = magsd.cliEnv(tmp.resolve("home"));
            ok(env, "run", "-w", "big", "-p", "--disk", "3", "mkdir -p /root/d; echo start > /root/d/marker");
            ok(env, "sync", "big");
            String previous = treeHash(env);
            for (long killAfterMillis : new long[] {1500, 4000, 9000}) {
                // 1 GiB of new contents in 16 files, and a marker that differs every round
                ok(env, "run", "-w", "big", "-p", "i=0; while [ $i -lt 16 ]; do head -c 67108864 /dev/urandom > /root/d/f$i;"
                        + " i=$((i+1)); done; echo " + killAfterMillis + " > /root/d/marker");
                String next = treeHash(env);
                ProcessBuilder syncing = new ProcessBuilder(Repo.mags().toString(), "sync", "big")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                syncing.environment().putAll(env);
                Process sync = syncing.start();
                Thread.sleep(killAfterMillis);
                magsd.crash();
                sync.destroyForcibly().waitFor();
                deleteLocalCopies(magsd);
                magsd.start();
                String restored = treeHash(env);
                assertThat(restored).as("after a kill %d ms into the sync", killAfterMillis).isIn(previous, next);
                System.out.printf("killed magsd %d ms into a 1 GiB sync: storage had the %s snapshot%n", killAfterMillis,
                        restored.equals(next) ? "new" : "previous");
                previous = restored;
            }
            ok(env, "workspace", "delete", "big");
            assertNoLeaks(magsd);
        }
    }

    /** One hash over the paths and contents of every file under /root of the workspace. */
    private static String treeHash(Map<String, String> env) {
        Proc.Result r = ok(env, "run", "-w", "big", "-p", "cd /root && find . -type f | sort | xargs sha256sum | sha256sum");
        return r.stdout().strip();
    }

    /** Plain bytes of every chunk object in the embedded store's bucket, as stored (compressed) on its disk. */
    private static long chunkBytes(MagsdFixture magsd) throws IOException {
        Path chunks = magsd.dataDir.resolve("s3").resolve("mags").resolve("chunks");
        if (!Files.isDirectory(chunks)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(chunks)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** {@code s3cmd ls --recursive} of the bucket, configured from the server's s3.json. */
    private List<String> s3cmdList(Path s3Json) throws IOException {
        JsonNode cfg = JSON.readTree(s3Json.toFile());
        String hostPort = cfg.get("endpoint").asText().replaceFirst("^http://", "");
        Proc.Result r = Proc.run(Map.of(), Duration.ofSeconds(60), Path.of("/usr/bin/s3cmd"), "--no-ssl",
                "--host=" + hostPort, "--host-bucket=" + hostPort, "--access_key=" + cfg.get("access_key").asText(),
                "--secret_key=" + cfg.get("secret_key").asText(), "--region=" + cfg.get("region").asText(),
                "--config=/dev/null", "ls", "--recursive", "s3://" + cfg.get("bucket").asText());
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return new ArrayList<>(r.stdout().lines().toList());
    }
}
