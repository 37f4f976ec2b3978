package dev.mags.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.controlplane.files.FileBlobs;
import dev.mags.controlplane.files.FileLimits;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/** {@code /api/v1/mags-files}: uploads as clients send them (multipart/form-data), their limits and owners. */
@ParameterizedClass
@EnumSource(StateBackend.class)
class FilesApiTest {
    @Parameter
    StateBackend backend;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOUNDARY = "----magsBoundary7MA4YWxkTrZu0gW";

    @TempDir
    Path dir;
    TestApi api;

    void start(FileLimits limits) {
        api = new TestApi(backend, dir, new FakeAgent("busybox"), ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox").withFiles(limits));
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    static byte[] multipart(Map<String, byte[]> files) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        files.forEach((name, data) -> {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(data);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        });
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    HttpResponse<String> upload(String token, String contentType, byte[] body) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/mags-files")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    HttpResponse<String> upload(String token, Map<String, byte[]> files) {
        return upload(token, "multipart/form-data; boundary=" + BOUNDARY, multipart(files));
    }

    @Test
    void aStoreThatFailsMidFileEndsTheUploadWith503AndLeavesNoPart() {
        start(FileLimits.DEFAULT);
        api.files.failFromPart = 3;
        HttpResponse<String> r = upload(api.token, Map.of("big.bin", random(9 * FileBlobs.PART_BYTES + 5)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("storage_unavailable");
        assertThat(api.files.parts).as("parts stored before the failure, and those in flight, are gone").isEmpty();
        assertThat(json(api.get("/api/v1/mags-files", api.token)).get("files")).isEmpty();
    }

    @Test
    void anUploadThatAsksToContinueIsToldToBeforeItSendsItsBody() throws Exception {
        start(FileLimits.DEFAULT);
        byte[] body = multipart(Map.of("asked.bin", random(300_000)));
        java.net.URI uri = api.uri("/api/v1/mags-files");
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/mags-files HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nAuthorization: Bearer "
                    + api.token + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: "
                    + body.length + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            assertThat(in.readLine()).as("the interim answer, before any byte of the body").isEqualTo("HTTP/1.1 100 Continue");
            for (String header = in.readLine(); !header.isEmpty(); header = in.readLine()) {
                // the interim answer's own headers
            }
            out.write(body);
            out.flush();
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 201 Created");
        }
        assertThat(json(api.get("/api/v1/mags-files", api.token)).toString()).contains("asked.bin");
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    @Test
    void filesAreStoredPartByPartAndReadBackWhole() throws Exception {
        start(FileLimits.DEFAULT);
        byte[] big = random(FileBlobs.PART_BYTES * 2 + 12345);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("analyze.py", "print('hi')\n".getBytes(StandardCharsets.UTF_8));
        files.put("data.csv", big);
        files.put("empty.txt", new byte[0]);

        HttpResponse<String> r = upload(api.token, files);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode body = json(r);
        assertThat(body.get("file_ids")).hasSize(3);
        assertThat(body.get("file_id").asText()).isEqualTo(body.get("file_ids").get(0).asText());
        JsonNode data = body.get("files").get(1);
        assertThat(data.get("name").asText()).isEqualTo("data.csv");
        assertThat(data.get("size").asLong()).isEqualTo(big.length);
        assertThat(data.get("sha256").asText()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big)));
        assertThat(Duration.between(java.time.Instant.parse(data.get("created_at").asText()),
                java.time.Instant.parse(data.get("expires_at").asText()))).isEqualTo(Duration.ofHours(24));
        assertThat(api.files.parts.keySet().stream().filter(k -> k.contains(data.get("file_id").asText()))).hasSize(3);
        assertThat(body.get("files").get(2).get("size").asLong()).isZero();

        JsonNode list = json(api.get("/api/v1/mags-files", api.token));
        assertThat(list.get("files")).extracting(f -> f.get("name").asText())
                .containsExactlyInAnyOrder("analyze.py", "data.csv", "empty.txt");
    }

    @Test
    void namesKeepTheirLastComponentOnlyAndEmptyOnesAreRefused() {
        start(FileLimits.DEFAULT);
        Map<String, byte[]> sneaky = new LinkedHashMap<>();
        sneaky.put("../../etc/passwd", "x".getBytes(StandardCharsets.UTF_8));
        sneaky.put("C:\\Users\\me\\notes" + (char) 7 + ".txt", "y".getBytes(StandardCharsets.UTF_8));
        JsonNode files = json(upload(api.token, sneaky)).get("files");
        assertThat(files.get(0).get("name").asText()).isEqualTo("passwd");
        assertThat(files.get(1).get("name").asText()).isEqualTo("notes.txt");

        for (String bad : new String[] {"..", "a/..", "/"}) {
            HttpResponse<String> r = upload(api.token, Map.of(bad, new byte[] {1}));
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(r).at("/error/code").asText()).isEqualTo("invalid_file_name");
        }
        assertThat(api.files.fileIds()).hasSize(2);
    }

    @Test
    void aFileOverTheLimitIs413AndNothingOfTheUploadIsKept() {
        start(new FileLimits(FileBlobs.PART_BYTES + 10, 1L << 30, 32, 8, Duration.ofHours(24)));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("ok.bin", random(1000));
        files.put("big.bin", random(FileBlobs.PART_BYTES * 2));

        HttpResponse<String> r = upload(api.token, files);

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("file_too_large");
        assertThat(json(r).at("/error/message").asText()).contains("big.bin", "4 MiB");
        assertThat(api.files.parts).isEmpty();
        assertThat(json(api.get("/api/v1/mags-files", api.token)).get("files")).isEmpty();
    }

    @Test
    void aUsersFilesStayWithinTheirQuota() {
        start(new FileLimits(4000, 6000, 32, 8, Duration.ofHours(24)));
        assertThat(upload(api.token, Map.of("a", random(3000))).statusCode()).isEqualTo(201);
        HttpResponse<String> over = upload(api.token, Map.of("b", random(3500)));
        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(json(over).at("/error/code").asText()).isEqualTo("file_quota_exceeded");
        String bob = api.cp.tokens().createToken("bob", false);
        assertThat(upload(bob, Map.of("b", random(3500))).statusCode()).as("another user's quota").isEqualTo(201);
    }

    @Test
    void badUploadsAreRefusedAndLeaveNothing() {
        start(FileLimits.DEFAULT);
        HttpResponse<String> notMultipart = api.post("/api/v1/mags-files", api.token, "{}");
        assertThat(notMultipart.statusCode()).isEqualTo(400);
        assertThat(json(notMultipart).at("/error/message").asText()).contains("multipart/form-data");

        byte[] whole = multipart(Map.of("cut.bin", random(100_000)));
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 30);
        HttpResponse<String> truncated = upload(api.token, "multipart/form-data; boundary=" + BOUNDARY, cut);
        assertThat(truncated.statusCode()).isEqualTo(400);
        assertThat(json(truncated).at("/error/message").asText()).contains("closing multipart boundary");

        String fieldOnly = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + BOUNDARY + "--\r\n";
        HttpResponse<String> noFile = upload(api.token, "multipart/form-data; boundary=" + BOUNDARY,
                fieldOnly.getBytes(StandardCharsets.UTF_8));
        assertThat(noFile.statusCode()).isEqualTo(400);
        assertThat(json(noFile).at("/error/message").asText()).contains("no file");
        assertThat(api.files.parts).isEmpty();
    }

    @Test
    void anotherUsersFilesAreNotFound() {
        start(FileLimits.DEFAULT);
        String id = json(upload(api.token, Map.of("secret.txt", "s3cret".getBytes(StandardCharsets.UTF_8)))).get("file_id").asText();
        String bob = api.cp.tokens().createToken("bob", false);

        assertThat(json(api.get("/api/v1/mags-files", bob)).get("files")).isEmpty();
        HttpResponse<String> steal = api.delete("/api/v1/mags-files/" + id, bob);
        assertThat(steal.statusCode()).isEqualTo(404);
        assertThat(steal.body()).doesNotContain("secret");
        assertThat(api.files.fileIds()).containsExactly(id);

        assertThat(api.delete("/api/v1/mags-files/" + id, api.token).statusCode()).isEqualTo(200);
        assertThat(api.files.parts).isEmpty();
        assertThat(api.delete("/api/v1/mags-files/" + id, api.token).statusCode()).isEqualTo(404);
    }

    @Test
    void aChunkedUploadIsTakenWhileJsonBodiesStayWithinTheirLimitChunkedOrNot() {
        start(FileLimits.DEFAULT);
        byte[] body = multipart(Map.of("streamed.bin", random(3 << 20)));
        HttpResponse<String> chunked = api.send(HttpRequest.newBuilder(api.uri("/api/v1/mags-files")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + api.token).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build());
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(201);
        assertThat(json(chunked).at("/files/0/size").asLong()).isEqualTo(3 << 20);

        String big = "{\"script\": \"" + "x".repeat(2 << 20) + "\"}";
        HttpResponse<String> sized = api.post("/api/v1/mags-jobs", api.token, big);
        assertThat(sized.statusCode()).isEqualTo(413);
        HttpResponse<String> streamed = api.send(HttpRequest.newBuilder(api.uri("/api/v1/mags-jobs")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + api.token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        big.getBytes(StandardCharsets.UTF_8)))).build());
        assertThat(streamed.statusCode()).isEqualTo(413);
        assertThat(json(streamed).at("/error/code").asText()).isEqualTo("request_too_large");
    }
}
