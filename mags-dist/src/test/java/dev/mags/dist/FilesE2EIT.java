package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads through a real magsd into its embedded S3 store, as curl -F sends them. */
class FilesE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOUNDARY = "------------------------d74496d66958873e";

    @TempDir
    Path tmp;
    MagsdFixture magsd;
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (magsd != null) {
            magsd.close();
        }
    }

    private MagsdFixture start() {
        magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").start();
        return magsd;
    }

    /** A body of one file part of {@code size} bytes, produced as it is sent (never whole in memory). */
    private static InputStream body(String name, long size, InputStream tail) {
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] end = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        InputStream data = new InputStream() {
            long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        };
        return new SequenceInputStream(java.util.Collections.enumeration(List.of(
                new java.io.ByteArrayInputStream(head), data, tail, new java.io.ByteArrayInputStream(end))));
    }

    private HttpResponse<String> upload(InputStream body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(magsd.url() + "/api/v1/mags-files"))
                .timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + magsd.adminToken())
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The objects of uploaded files in the embedded S3 store's directory. */
    private List<Path> storedParts() throws IOException {
        Path s3 = magsd.dataDir.resolve("s3");
        try (Stream<Path> s = Files.walk(s3)) {
            return s.filter(Files::isRegularFile).filter(p -> s3.relativize(p).toString().contains("files/")).toList();
        }
    }

    @Test
    void aFileIsStoredInTheBucketAndA101MbOneIsRefusedLeavingNothing() throws Exception {
        start();
        HttpResponse<String> ok = upload(body("data.csv", 9L << 20, InputStream.nullInputStream()));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        JsonNode file = JSON.readTree(ok.body()).get("files").get(0);
        assertThat(file.get("size").asLong()).isEqualTo(9L << 20);
        assertThat(storedParts()).as("9 MiB in 4 MiB parts").hasSize(3);

        HttpResponse<String> big = upload(body("big.bin", 101L << 20, InputStream.nullInputStream()));
        assertThat(big.statusCode()).as(big.body()).isEqualTo(413);
        assertThat(JSON.readTree(big.body()).at("/error/message").asText()).contains("big.bin", "100 MiB");
        assertThat(storedParts()).as("nothing of the refused upload").hasSize(3);

        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create(magsd.url() + "/api/v1/mags-files/"
                        + file.get("file_id").asText())).header("Authorization", "Bearer " + magsd.adminToken()).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(storedParts()).isEmpty();
    }

    @Test
    void anUploadCutByAKillIsNeverAFile() throws Exception {
        start();
        CountDownLatch never = new CountDownLatch(1);
        InputStream stalls = new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("cut");
            }
        };
        CompletableFuture<HttpResponse<String>> cut = CompletableFuture.supplyAsync(() -> {
            try {
                return upload(body("half.bin", 6L << 20, stalls));
            } catch (Exception e) {
                return null;
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (storedParts().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(storedParts()).as("a first part was stored before the kill").isNotEmpty();
        magsd.crash();
        never.countDown();
        cut.join();
        magsd.start();

        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(magsd.url() + "/api/v1/mags-files"))
                .header("Authorization", "Bearer " + magsd.adminToken()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(list.body()).get("files")).as("the cut upload is no file").isEmpty();
    }
}
