package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams through a public URL with a real app in a debian sandbox ({@link TestWebApp}), fetched with the
 * system's curl: 100 MB up (with a length, and chunked) and down, byte for byte, through a magsd whose heap is
 * smaller than one body and keeps nothing of them afterwards; and server-sent events that arrive one at a time.
 */
class AppsStreamingE2EIT {
    /**
     * magsd's heap: less than one body, so a proxy that held a whole body at once would run out of heap, and
     * magsd ends on that ({@code -XX:+ExitOnOutOfMemoryError}). Enough for everything else it does here.
     */
    static final String HEAP = "96m";
    static final long MIB = 1024 * 1024;
    static final long BODY = 100_000_000;
    @TempDir
    static Path tmp;
    static MagsdFixture magsd;
    static UrlApi api;
    static String url;

    @BeforeAll
    static void start() {
        magsd = new MagsdFixture(tmp.resolve("data"), TestImages.debian(), "debian").withEnv("MAGS_HEAP", HEAP).start();
        api = new UrlApi(magsd.url(), magsd.adminToken());
        // Not synced to storage: a sync reads the 100 MB file with buffers of its own (up to 16 chunks of 4 MiB, and
        // the embedded S3 server's), which a heap smaller than one body has no room for. The proxy is measured here.
        api.runPersistent("streams", TestWebApp.script(8080), Map.of("no_sync", true));
        url = api.url("streams", 8080);
    }

    @AfterAll
    static void stop() {
        if (magsd != null) {
            try {
                api.stop("streams");
                assertThat(magsd.leaksAfterRelease()).isEmpty();
            } finally {
                magsd.close();
            }
        }
    }

    @Test
    void a100MbUploadAndDownloadGoThroughWholeWhileTheServersHeapStaysFlat() throws Exception {
        assertThat(Files.readString(Path.of("/proc", Long.toString(magsd.pid()), "cmdline")).split("\0"))
                .contains("-Xmx" + HEAP, "-XX:+ExitOnOutOfMemoryError");
        Path upload = tmp.resolve("upload.bin");
        String sha256 = writeRandom(upload, BODY);
        long heapBefore = Jcmd.heapUsedAfterGc(magsd.pid());

        JsonNode sized = uploaded(Curl.run("-sS", "--fail", "-H", "Content-Type: application/octet-stream",
                "--data-binary", "@" + upload, url + "/upload"));
        JsonNode chunked = uploaded(Curl.run("-sS", "--fail", "-H", "Content-Type: application/octet-stream",
                "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + upload, url + "/upload"));
        Path download = tmp.resolve("download.bin");
        Proc.Result down = Curl.run("-sS", "--fail", "-o", download.toString(), url + "/upload.bin");

        assertThat(sized.path("bytes").asLong()).isEqualTo(BODY);
        assertThat(sized.path("sha256").asText()).isEqualTo(sha256);
        assertThat(chunked.path("bytes").asLong()).isEqualTo(BODY);
        assertThat(chunked.path("sha256").asText()).isEqualTo(sha256);
        assertThat(down.exitCode()).as(down.stderr()).isZero();
        assertThat(Files.size(download)).isEqualTo(BODY);
        assertThat(sha256(download)).isEqualTo(sha256);
        assertThat(magsd.alive()).as("magsd still runs within its %s heap", HEAP).isTrue();
        long grown = Jcmd.heapUsedAfterGc(magsd.pid()) - heapBefore;
        assertThat(grown).as("heap kept after three transfers of %d bytes", BODY).isLessThan(50 * MIB);
    }

    @Test
    void serverSentEventsArriveOneByOne() throws Exception {
        try (Curl.Streaming events = Curl.stream(url + "/events")) {
            events.awaitLine("data: one", Duration.ofSeconds(60));
            // The app sends the second event only once this file exists: the first came through on its own.
            api.exec("streams", "touch " + TestWebApp.SSE_GO);
            events.awaitLine("data: two", Duration.ofSeconds(60));

            assertThat(events.exitCode()).isZero();
        }
    }

    private static JsonNode uploaded(Proc.Result r) throws IOException {
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return Api.JSON.readTree(r.stdout());
    }

    /** Writes {@code size} random bytes; answers their SHA-256. */
    private static String writeRandom(Path file, long size) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random random = new Random(16);
        byte[] piece = new byte[(int) MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= piece.length) {
                random.nextBytes(piece);
                int n = (int) Math.min(piece.length, left);
                digest.update(piece, 0, n);
                out.write(piece, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
