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

    /** {@code curl -F file=@A -F file=@B URL/api/v1/mags-files} as a user types it; the file ids it answered. */
    private List<String> curlUpload(String token, Path... files) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("-sS", "-H", "Authorization: Bearer " + token));
        for (Path f : files) {
            argv.addAll(List.of("-F", "file=@" + f));
        }
        argv.add(magsd.url() + "/api/v1/mags-files");
        Proc.Result r = Proc.run(java.util.Map.of(), Duration.ofSeconds(60), Path.of("/usr/bin/curl"), argv.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        List<String> ids = new java.util.ArrayList<>();
        JSON.readTree(r.stdout()).get("file_ids").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    private static String logsOf(Api api, String id) {
        StringBuilder out = new StringBuilder();
        api.get("/api/v1/mags-jobs/" + id + "/logs").body().get("logs").forEach(l -> out.append(l.get("message").asText()).append('\n'));
        return out.toString();
    }

    @Test
    void uploadedFilesAreInRootAndUploadsAndPlacingFollowsNoLink() throws Exception {
        start();
        Path script = Files.writeString(tmp.resolve("script.sh"), "echo from the script\n");
        Path data = Files.writeString(tmp.resolve("data.csv"), "a,b\n1,2\n");
        List<String> ids = curlUpload(magsd.adminToken(), script, data);
        Api api = new Api(magsd.url(), magsd.adminToken());

        // A persistent workspace first plants links where the files will go: one at the host's /etc/passwd (as
        // the sandbox sees the path: its own), one at a file of its own.
        String plant = api.submitJson(JSON.writeValueAsString(java.util.Map.of("script",
                "echo keep > /root/mine; ln -s /etc/passwd /root/script.sh; ln -s /root/mine /root/data.csv",
                "workspace_id", "files", "persistent", true)));
        await(api, plant, "running");
        String run = api.submitJson(JSON.writeValueAsString(java.util.Map.of("script",
                "cd /root && sh script.sh && cat data.csv && cat /uploads/data.csv && cat mine && "
                        + "ls -ln /root/data.csv | cut -c1-10 && readlink /uploads/script.sh && head -c 5 /etc/passwd",
                "workspace_id", "files", "file_ids", ids)));
        JsonNode end = api.awaitFinal(run, Duration.ofSeconds(60));

        assertThat(end.get("status").asText()).as(logsOf(api, run)).isEqualTo("completed");
        assertThat(logsOf(api, run)).isEqualTo("from the script\na,b\n1,2\na,b\n1,2\nkeep\n-rw-r--r--\n"
                + "/root/script.sh\nroot:\n");
        assertThat(Files.readString(Path.of("/etc/passwd"))).startsWith("root:");

        String bob = SyncSymlinkRaceE2EIT.userToken(magsd, "bob");
        Api bobs = new Api(magsd.url(), bob);
        Api.Response stolen = bobs.post("/api/v1/mags-jobs", JSON.writeValueAsString(java.util.Map.of("script", "ls /root",
                "file_ids", ids)));
        assertThat(stolen.status()).as("another user's file ids are not found").isEqualTo(404);
        api.post("/api/v1/mags-jobs/" + plant + "/stop", "{}");
    }

    private static void await(Api api, String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!api.get("/api/v1/mags-jobs/" + id + "/status").body().get("status").asText().equals(status)) {
            assertThat(System.nanoTime()).as("job " + id + " never became " + status).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
