package dev.mags.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mags.storage.error.CorruptDataException;
import dev.mags.storage.error.InvalidStorageArgumentException;
import dev.mags.storage.error.NotFoundException;
import dev.mags.storage.error.StoreRejectedException;
import dev.mags.storage.error.StoreUnavailableException;
import dev.mags.storage.object.ObjectInfo;
import dev.mags.storage.testing.S3Fixture;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The object store seam against a real S3 server (embedded S3Proxy, filesystem backend). */
class S3ObjectStoreIT {
    @TempDir
    Path tmp;
    S3Fixture s3;

    @BeforeEach
    void start() {
        s3 = new S3Fixture(tmp.resolve("s3"));
    }

    @AfterEach
    void stop() {
        s3.close();
    }

    @Test
    void storesListsAndDeletesObjects() throws IOException {
        var store = s3.store();
        assertThat(store.putIfAbsent("chunks/ab/x", "one".getBytes())).isTrue();
        assertThat(store.putIfAbsent("chunks/ab/x", "two".getBytes())).isFalse();
        try (InputStream in = store.get("chunks/ab/x")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("one");
        }
        store.put("chunks/cd/y", "y".getBytes());
        store.put("workspaces/a/b/snapshots/s.json.zst", "m".getBytes());
        assertThat(store.head("chunks/ab/x")).get().extracting(ObjectInfo::size).isEqualTo(3L);
        assertThat(store.head("chunks/zz/none")).isEmpty();
        assertThat(store.list("chunks/").map(ObjectInfo::key)).containsExactly("chunks/ab/x", "chunks/cd/y");
        assertThatThrownBy(() -> store.get("chunks/zz/none")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("chunks/zz/none");
        store.deleteAll(List.of("chunks/ab/x", "chunks/cd/y", "chunks/never/was"));
        store.delete("chunks/never/was");
        assertThat(store.list("chunks/").count()).isZero();
        assertThat(store.list("").count()).isEqualTo(1);
    }

    @Test
    void aRangeOfAnObjectIsReadWithOneRequestAndAShortObjectIsCorrupt() {
        var store = s3.store();
        store.put("packs/ab/p", "0123456789".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(store.getRange("packs/ab/p", 3, 4), StandardCharsets.UTF_8)).isEqualTo("3456");
        assertThat(store.getRange("packs/ab/p", 0, 10)).hasSize(10);
        assertThatThrownBy(() -> store.getRange("packs/ab/p", 8, 5)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("packs/ab/p");
        assertThatThrownBy(() -> store.getRange("packs/ab/none", 0, 1)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aWholeObjectIsReadIntoOneArrayOfItsSize() {
        var store = s3.store();
        byte[] big = new byte[3 << 20];
        new java.util.Random(5).nextBytes(big);
        store.put("chunks/ab/big", big);
        store.put("chunks/ab/empty", new byte[0]);
        assertThat(store.getBytes("chunks/ab/big")).isEqualTo(big);
        assertThat(store.getBytes("chunks/ab/empty")).isEmpty();
        assertThatThrownBy(() -> store.getBytes("chunks/ab/none")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("chunks/ab/none");
    }

    @Test
    void listingPagesThroughMoreThanAThousandObjects() {
        for (int i = 0; i < 1100; i++) {
            s3.store().put(String.format("many/%05d", i), new byte[] {1});
        }
        assertThat(s3.store().list("many/").count()).isEqualTo(1100);
    }

    @Test
    void objectsAreOrdinaryFilesAStandardClientLists() throws Exception {
        s3.store().put("workspaces/alice/proj/snapshots/x.json.zst", "manifest".getBytes());
        s3.store().put("chunks/ab/abcdef", "chunk".getBytes());
        assertThat(s3.bucketDir().resolve("chunks/ab/abcdef")).hasContent("chunk");

        Path s3cmd = Path.of("/usr/bin/s3cmd");
        assumeTrue(Files.isExecutable(s3cmd), "s3cmd is not installed (scripts/install-deps installs it)");
        URI e = s3.server().endpoint();
        ProcessBuilder pb = new ProcessBuilder(s3cmd.toString(), "--no-ssl", "--host=" + e.getHost() + ":" + e.getPort(),
                "--host-bucket=" + e.getHost() + ":" + e.getPort(), "--access_key=" + s3.server().accessKey(),
                "--secret_key=" + s3.server().secretKey(), "--region=us-east-1", "--config=/dev/null", "ls", "--recursive",
                "s3://" + S3Fixture.BUCKET).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("s3://mags-test/workspaces/alice/proj/snapshots/x.json.zst")
                .contains("s3://mags-test/chunks/ab/abcdef");
    }

    @Test
    void anUnreachableStoreIsNamedInTheError() {
        int port = s3.server().port();
        s3.stopServer();
        assertThatThrownBy(() -> s3.store().put("chunks/ab/k", new byte[] {1}))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("S3 unreachable at http://127.0.0.1:" + port + " while uploading chunk chunks/ab/k");
        assertThatThrownBy(() -> S3ObjectStore.open(s3.config()))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("while checking bucket mags-test");
        s3.restartServer();
        s3.store().put("chunks/ab/k", new byte[] {1});
    }

    @Test
    void wrongCredentialsAreRejectedNotUnavailable() {
        S3Config c = s3.config();
        S3Config bad = new S3Config(c.endpoint(), c.region(), c.bucket(), c.accessKey(), "wrong", true,
                Duration.ofSeconds(2), Duration.ofSeconds(5), 4);
        assertThatThrownBy(() -> S3ObjectStore.open(bad)).isInstanceOf(StoreRejectedException.class)
                .hasMessageContaining("answered 403");
    }

    @Test
    void configNamesEveryProblemAtOnce() {
        assertThatThrownBy(() -> S3Config.of(URI.create("ftp://x"), "", "B", "", "", true))
                .isInstanceOf(InvalidStorageArgumentException.class)
                .hasMessageContaining("endpoint ftp://x").hasMessageContaining("region is missing")
                .hasMessageContaining("bucket 'B'").hasMessageContaining("access key").hasMessageContaining("secret key");
        assertThat(s3.config().toString()).doesNotContain(s3.server().secretKey());
    }
}
