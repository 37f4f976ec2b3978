package dev.mags.cli.mcp;

import static dev.mags.sdk.FakeMagsServer.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.sdk.FakeMagsServer;
import dev.mags.sdk.Mags;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The MCP tools' behaviour against a stand-in server: what they send and what they answer. */
class SandboxToolsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOBS = "/api/v1/mags-jobs";

    private final FakeMagsServer server = FakeMagsServer.start();
    private final Mags mags = Mags.builder().baseUrl(server.uri()).token("tok").build();
    private final HttpSandboxExec exec = new HttpSandboxExec(server.uri(), "tok");
    private final SandboxTools tools = new SandboxTools(mags, exec, 200);

    @AfterEach
    void tearDown() {
        exec.close();
        mags.close();
        server.close();
    }

    private void jobEnds(String... stdoutThenStderr) {
        server.json("POST", JOBS, 202, "{\"request_id\":\"j1\",\"status\":\"accepted\"}");
        server.on("GET", JOBS + "/j1/events", (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                sse.log(1, "stdout", stdoutThenStderr[0]).log(2, "stderr", stdoutThenStderr[1])
                        .status(job("j1", "error", 3, "script exited with code 3"));
            }
        });
    }

    @Test
    void runSendsTheRequestAndAnswersExitCodeStdoutAndStderr() throws Exception {
        jobEnds("out", "err");

        ToolAnswer a = tools.run("echo out; echo err >&2; exit 3", "proj", false, null, Map.of("A", "1"));

        assertThat(JSON.readTree(server.single("POST", JOBS).body())).isEqualTo(JSON.readTree("""
                {"script": "echo out; echo err >&2; exit 3", "type": "inline", "name": "proj", "workspace_id": "proj",
                 "environment": {"A": "1"}, "timeout_seconds": 300}"""));
        assertThat(a.error()).isFalse(); // a script's failure is an answer, not a failed call
        assertThat(a.text()).isEqualTo("request_id: j1\nstatus: error\nexit_code: 3\n--- stdout ---\nout\n--- stderr ---\nerr");
        assertThat(a.structured()).containsEntry("exit_code", 3).containsEntry("stdout", "out").containsEntry("stderr", "err");
    }

    @Test
    void longOutputKeepsItsEndWithANote() {
        String longLine = "x".repeat(450) + "END";
        jobEnds(longLine, "e");

        ToolAnswer a = tools.run("yes", null, false, 10, null);

        assertThat(a.structured().get("stdout")).isEqualTo("[253 characters cut; output (all of it: the logs tool with j1)]\n"
                + "x".repeat(197) + "END");
    }

    @Test
    void persistentWithoutAWorkspaceIsRefusedBeforeAnythingIsSent() {
        ToolAnswer a = tools.run("echo", null, true, null, null);

        assertThat(a.error()).isTrue();
        assertThat(a.text()).contains("persistent needs a workspace");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void newSubmitsTheSandboxAndWaitsUntilItRuns() throws Exception {
        server.json("GET", JOBS + "/dev/status", 404, "{\"error\":{\"code\":\"job_not_found\",\"message\":\"no job\"}}");
        server.json("POST", JOBS, 202, "{\"request_id\":\"j1\",\"status\":\"accepted\"}");
        server.json("GET", JOBS + "/j1/status", 200, running("j1", "dev"));

        ToolAnswer a = tools.newSandbox("dev", false);

        assertThat(a.error()).as(a.text()).isFalse();
        assertThat(a.text()).startsWith("sandbox 'dev' runs (request id j1, workspace on the server's disk only)");
        assertThat(JSON.readTree(server.single("POST", JOBS).body())).isEqualTo(JSON.readTree("""
                {"script": "sleep infinity", "type": "inline", "name": "dev", "workspace_id": "dev", "persistent": true,
                 "startup_command": "sleep infinity", "no_sync": true}"""));
    }

    @Test
    void newOnASandboxThatRunsMakesNoSecond() {
        server.json("GET", JOBS + "/dev/status", 200, running("j0", "dev"));

        ToolAnswer a = tools.newSandbox("dev", true);

        assertThat(a.text()).startsWith("sandbox 'dev' already runs (request id j0)");
        assertThat(server.requests("POST", JOBS)).isEmpty();
    }

    private static String running(String id, String workspace) {
        return job(id, "running", null, null).replaceFirst("}$", ",\"workspace_id\":\"" + workspace + "\"}");
    }

    @Test
    void serverErrorsCarryStatusCodeAndMessage() {
        server.json("GET", JOBS + "/nope/status", 404, "{\"error\":{\"code\":\"job_not_found\",\"message\":\"no job 'nope'\"}}");

        ToolAnswer a = tools.status("nope");

        assertThat(a.error()).isTrue();
        assertThat(a.text()).isEqualTo("error 404 job_not_found: no job 'nope'");
    }

    @Test
    void urlAsksForThePortAndAnswersTheUrl() throws Exception {
        server.json("POST", JOBS + "/web/access", 200,
                "{\"success\":true,\"url\":\"http://k3x9.localhost:8080\",\"port\":3000,\"subdomain\":\"k3x9\"}");

        ToolAnswer a = tools.url("web", 3000);

        assertThat(a.error()).as(a.text()).isFalse();
        assertThat(JSON.readTree(a.text())).isEqualTo(JSON.readTree(
                "{\"success\":true,\"url\":\"http://k3x9.localhost:8080\",\"port\":3000,\"subdomain\":\"k3x9\"}"));
        assertThat(JSON.readTree(server.single("POST", JOBS + "/web/access").body())).isEqualTo(JSON.readTree("{\"port\":3000}"));
    }

    @Test
    void execOnAServerWithoutTheRouteSaysItIsNotAvailable() {
        server.json("POST", JOBS + "/dev/exec", 404, "{\"error\":{\"code\":\"not_found\",\"message\":\"no route for POST /api/v1/mags-jobs/dev/exec\"}}");

        ToolAnswer a = tools.exec("dev", "ls", null);

        assertThat(a.error()).isTrue();
        assertThat(a.text()).startsWith("exec is not available on this server yet");
    }

    @Test
    void execAnswersTheCommandsOutcome() throws Exception {
        server.json("POST", JOBS + "/dev/exec", 200, """
                {"exit_code": 0, "status": "completed", "reason": "exited", "message": null, "stdout": "a\\n", "stderr": "",
                 "output": "a\\n", "truncated": false}""");

        ToolAnswer a = tools.exec("dev", "echo a", 5);

        assertThat(JSON.readTree(server.single("POST", JOBS + "/dev/exec").body()))
                .isEqualTo(JSON.readTree("{\"command\": \"echo a\", \"timeout\": 5}"));
        assertThat(server.single("POST", JOBS + "/dev/exec").header("Authorization")).isEqualTo("Bearer tok");
        assertThat(a.error()).isFalse();
        assertThat(a.text()).isEqualTo("exit_code: 0\n--- stdout ---\na\n--- stderr ---\n");
    }

    @Test
    void writeFileSendsTheBytesBase64EncodedOnStdin() throws Exception {
        server.json("POST", JOBS + "/dev/exec", 200, "{\"exit_code\": 0, \"stdout\": \"\", \"stderr\": \"\"}");

        ToolAnswer a = tools.writeFile("dev", "/root/it's here/a.txt", "héllo\n");

        JsonNode body = JSON.readTree(server.single("POST", JOBS + "/dev/exec").body());
        assertThat(body.get("command").asText())
                .isEqualTo("mkdir -p \"$(dirname '/root/it'\\''s here/a.txt')\" && base64 -d > '/root/it'\\''s here/a.txt'");
        assertThat(new String(Base64.getDecoder().decode(body.get("stdin").asText()), StandardCharsets.UTF_8)).isEqualTo("héllo\n");
        assertThat(a.text()).isEqualTo("wrote 7 bytes to /root/it's here/a.txt");
    }

    @Test
    void readFileDecodesTextAndSaysWhenItIsNot() {
        String b64 = Base64.getMimeEncoder().encodeToString("line 1\nline 2\n".getBytes(StandardCharsets.UTF_8));
        server.json("POST", JOBS + "/dev/exec", 200, "{\"exit_code\": 0, \"stdout\": " + FakeMagsServer.quote(b64 + "\n") + ", \"stderr\": \"\"}");
        assertThat(tools.readFile("dev", "/root/a").text()).isEqualTo("line 1\nline 2\n");

        server.json("POST", JOBS + "/dev/exec", 200, "{\"exit_code\": 0, \"stdout\": \"/w==\", \"stderr\": \"\"}");
        assertThat(tools.readFile("dev", "/root/b").text()).isEqualTo("/root/b is not UTF-8 text (1 bytes); base64:\n/w==");

        server.json("POST", JOBS + "/dev/exec", 200, "{\"exit_code\": 1, \"stdout\": \"\", \"stderr\": \"base64: /root/c: No such file or directory\\n\"}");
        ToolAnswer missing = tools.readFile("dev", "/root/c");
        assertThat(missing.error()).isTrue();
        assertThat(missing.text()).isEqualTo("cannot read /root/c: base64: /root/c: No such file or directory");
    }
}
