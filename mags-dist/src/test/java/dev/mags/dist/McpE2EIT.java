package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/mags mcp} as an MCP client starts it (the MCP Java SDK's stdio client), against a real magsd. */
class McpE2EIT {
    @TempDir
    static Path tmp;
    static MagsdFixture magsd;

    @BeforeAll
    static void start() throws Exception {
        magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").start();
        Files.createDirectories(tmp.resolve("home"));
    }

    @AfterAll
    static void stop() {
        if (magsd != null) {
            magsd.close();
        }
    }

    private static McpSyncClient client() {
        ServerParameters server = ServerParameters.builder(Repo.mags().toString())
                .args("mcp")
                .env(magsd.cliEnv(tmp.resolve("home")))
                .build();
        JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper());
        McpSyncClient client = McpClient.sync(new StdioClientTransport(server, json))
                .requestTimeout(Duration.ofSeconds(120))
                .initializationTimeout(Duration.ofSeconds(60))
                .build();
        client.initialize();
        return client;
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args, null));
    }

    @Test
    void aClientListsTheToolsAndRunsAScript() {
        try (McpSyncClient client = client()) {
            assertThat(client.getServerInfo().name()).isEqualTo("mags");
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                    .containsExactlyInAnyOrder("run", "new", "exec", "read_file", "write_file", "stop", "status", "logs", "list", "url");

            McpSchema.CallToolResult r = call(client, "run", Map.of("script", "echo hello $WHO; echo oops >&2; exit 3",
                    "env", Map.of("WHO", "agent")));

            assertThat(r.isError()).as(text(r)).isFalse();
            assertThat(text(r)).contains("status: error\nexit_code: 3\n--- stdout ---\nhello agent\n--- stderr ---\noops");
            assertThat(r.structuredContent()).isInstanceOf(Map.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> structured = (Map<String, Object>) r.structuredContent();
            assertThat(structured).containsEntry("exit_code", 3).containsEntry("stdout", "hello agent").containsEntry("stderr", "oops");
        }
    }

    @Test
    void aWorkspaceKeepsFilesBetweenRunsAndErrorsComeFromTheServer() {
        try (McpSyncClient client = client()) {
            assertThat(text(call(client, "run", Map.of("script", "echo kept > /root/f", "workspace", "mcp-ws"))))
                    .contains("exit_code: 0");
            McpSchema.CallToolResult again = call(client, "run", Map.of("script", "cat /root/f", "workspace", "mcp-ws"));
            assertThat(text(again)).contains("exit_code: 0\n--- stdout ---\nkept\n");

            McpSchema.CallToolResult missing = call(client, "status", Map.of("name", "no-such-job"));
            assertThat(missing.isError()).isTrue();
            assertThat(text(missing)).startsWith("error 404 job_not_found: ");

            McpSchema.CallToolResult bad = call(client, "run", Map.of("script", "true", "timeout", "soon"));
            assertThat(bad.isError()).isTrue();
            assertThat(text(bad)).contains("timeout");

            McpSchema.CallToolResult url = call(client, "url", Map.of("name", "mcp-ws", "port", 8080));
            assertThat(url.isError()).isTrue();
            assertThat(text(url)).as("its last job has ended").startsWith("error 409 sandbox_not_running: ");
        }
    }

    @Test
    void aPersistentRunAnswersOnceItsScriptEndsAndTheNextRunsInTheSameSandbox() {
        try (McpSyncClient client = client()) {
            McpSchema.CallToolResult first = call(client, "run", Map.of("script", "sleep 600 & echo up",
                    "workspace", "mcp-p", "persistent", true));
            try {
                assertThat(first.isError()).as(text(first)).isFalse();
                assertThat(text(first)).contains("exit_code: 0\n--- stdout ---\nup\n");
                // the first script's background process still runs: this is the same sandbox, not a new one on the workspace
                assertThat(text(call(client, "run", Map.of("script", "ps | grep -c '[s]leep 600'", "workspace", "mcp-p"))))
                        .contains("exit_code: 0\n--- stdout ---\n1\n");
                McpSchema.CallToolResult url = call(client, "url", Map.of("name", "mcp-p", "port", 8080));
                assertThat(url.isError()).as(text(url)).isFalse();
                assertThat(text(url)).contains("\"url\"", "http://", "\"port\"");
            } finally {
                assertThat(call(client, "stop", Map.of("name", "mcp-p")).isError()).isFalse();
            }
        }
    }

    @Test
    void execInASandboxMadeByNew() throws Exception {
        try (McpSyncClient client = client()) {
            McpSchema.CallToolResult created = call(client, "new", Map.of("name", "mcp-dev"));
            assertThat(created.isError()).as(text(created)).isFalse();
            try {
                McpSchema.CallToolResult r = call(client, "exec", Map.of("name", "mcp-dev", "command", "echo hi; exit 4"));
                if (serverHasExec()) {
                    assertThat(r.isError()).as(text(r)).isFalse();
                    assertThat(text(r)).isEqualTo("exit_code: 4\n--- stdout ---\nhi\n--- stderr ---\n");
                    assertThat(call(client, "write_file", Map.of("name", "mcp-dev", "path", "/root/d/a.txt", "content", "x y\n"))
                            .isError()).isFalse();
                    assertThat(text(call(client, "read_file", Map.of("name", "mcp-dev", "path", "/root/d/a.txt")))).isEqualTo("x y\n");
                } else {
                    // no exec route (404), or the route without live sandboxes wired to it (503 exec_unavailable)
                    assertThat(r.isError()).isTrue();
                    assertThat(text(r)).satisfiesAnyOf(t -> assertThat(t).startsWith("exec is not available on this server yet"),
                            t -> assertThat(t).contains("503 exec_unavailable"));
                }
            } finally {
                assertThat(call(client, "stop", Map.of("name", "mcp-dev")).isError()).isFalse();
            }
        }
    }

    @Test
    void onlyMagsMcpLoadsTheMcpSdk() throws Exception {
        assertThat(classesLoadedBy("list")).isNotEmpty().noneMatch(c -> c.startsWith("io.modelcontextprotocol.")
                || c.startsWith("reactor."));
        assertThat(classesLoadedBy("--help")).isNotEmpty().noneMatch(c -> c.startsWith("io.modelcontextprotocol."));
        // stdin is /dev/null: the server starts, reads the end of its input at once and exits 0
        assertThat(classesLoadedBy("mcp")).anyMatch(c -> c.startsWith("io.modelcontextprotocol.server."));
    }

    /** The classes the JVM of {@code bin/mags ARGS} loaded, as its class-load log names them. */
    private static java.util.List<String> classesLoadedBy(String... args) throws Exception {
        Path log = Files.createTempFile(tmp, "classes", ".log");
        Map<String, String> env = new java.util.HashMap<>(magsd.cliEnv(tmp.resolve("home")));
        env.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log);
        Proc.Result r = Proc.run(env, Duration.ofSeconds(60), Repo.mags(), args);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return Files.readAllLines(log).stream()
                .map(line -> line.replaceFirst("^(\\[[^]]*])+\\s*", "").split(" ")[0])
                .toList();
    }

    /** Whether this magsd has the exec route: an unknown job is then a 404 of its own, not "no route". */
    private static boolean serverHasExec() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(magsd.url() + "/api/v1/mags-jobs/no-such-job/exec"))
                    .header("Authorization", "Bearer " + magsd.adminToken())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"command\": \"true\"}")).build(), HttpResponse.BodyHandlers.ofString());
            return !(r.statusCode() == 404 && r.body().contains("\"no route for "))
                    && !(r.statusCode() == 503 && r.body().contains("exec_unavailable"));
        }
    }
}
