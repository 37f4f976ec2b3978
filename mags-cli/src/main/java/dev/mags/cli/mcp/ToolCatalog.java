package dev.mags.cli.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.function.Function;

/** The tools {@code mags mcp} offers: name, description, input schema, and the {@link SandboxTools} call behind each. */
final class ToolCatalog {
    private static final String NAME = """
            "name": {"type": "string", "description": "The sandbox: a request id, a job name or a workspace name"}""";

    private ToolCatalog() {}

    static List<SyncToolSpecification> specs(SandboxTools tools, McpJsonMapper json) {
        return List.of(
                tool(json, "run", """
                        Run a shell script (sh -c, as root in /root) in a fresh isolated Linux sandbox and wait for it. \
                        Answers the exit code, stdout and stderr. With 'workspace' the sandbox's files are kept for the \
                        next run on that workspace; with 'persistent' they are synced to storage and the sandbox stays \
                        up after the script (the next run on the workspace runs inside it).""", """
                        {"type": "object", "properties": {
                          "script": {"type": "string", "description": "The shell script"},
                          "workspace": {"type": "string", "description": "Keep files in this workspace between runs"},
                          "persistent": {"type": "boolean", "description": "Sync the workspace to storage and keep the sandbox up (needs workspace)"},
                          "timeout": {"type": "integer", "minimum": 1, "description": "Stop the script after this many seconds (default 300, none when persistent)"},
                          "env": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Environment variables"}},
                         "required": ["script"]}""",
                        a -> tools.run(a.string("script"), a.optString("workspace"), a.flag("persistent"),
                                a.optInt("timeout", 1), a.stringMap("env"))),
                tool(json, "new", """
                        Create a sandbox that stays up (on workspace NAME) and return once it runs; run commands in it \
                        with exec and end it with stop.""", """
                        {"type": "object", "properties": {
                          "name": {"type": "string", "description": "The sandbox's workspace, also its name"},
                          "persistent": {"type": "boolean", "description": "Sync the workspace to storage (else it stays on the server's disk)"}},
                         "required": ["name"]}""",
                        a -> tools.newSandbox(a.string("name"), a.flag("persistent"))),
                tool(json, "exec", "Run a shell command in a live sandbox (made by new, or kept by a persistent run) and wait for it.", """
                        {"type": "object", "properties": {%s,
                          "command": {"type": "string", "description": "The command, run with sh -c"},
                          "timeout": {"type": "integer", "minimum": 1, "description": "Kill it after this many seconds"}},
                         "required": ["name", "command"]}""".formatted(NAME),
                        a -> tools.exec(a.string("name"), a.string("command"), a.optInt("timeout", 1))),
                tool(json, "read_file", "Read a file of a live sandbox (UTF-8 text; other content comes as base64).", """
                        {"type": "object", "properties": {%s,
                          "path": {"type": "string", "description": "Path in the sandbox, e.g. /root/app.py"}},
                         "required": ["name", "path"]}""".formatted(NAME),
                        a -> tools.readFile(a.string("name"), a.string("path"))),
                tool(json, "write_file", "Write a text file into a live sandbox, making its directories; replaces what was there.", """
                        {"type": "object", "properties": {%s,
                          "path": {"type": "string", "description": "Path in the sandbox, e.g. /root/app.py"},
                          "content": {"type": "string", "description": "The file's whole text"}},
                         "required": ["name", "path", "content"]}""".formatted(NAME),
                        a -> tools.writeFile(a.string("name"), a.string("path"), a.optString("content") == null ? "" : a.optString("content"))),
                tool(json, "stop", "Stop a job, or end a sandbox that stays (a persistent workspace is synced first).", """
                        {"type": "object", "properties": {%s}, "required": ["name"]}""".formatted(NAME),
                        a -> tools.stop(a.string("name"))),
                tool(json, "status", "A job's status, exit code and times.", """
                        {"type": "object", "properties": {%s}, "required": ["name"]}""".formatted(NAME),
                        a -> tools.status(a.string("name"))),
                tool(json, "logs", "A job's stored output (stderr lines marked [stderr]).", """
                        {"type": "object", "properties": {%s}, "required": ["name"]}""".formatted(NAME),
                        a -> tools.logs(a.string("name"))),
                tool(json, "list", "The 20 most recent jobs, newest first.", """
                        {"type": "object", "properties": {}}""",
                        a -> tools.list()),
                tool(json, "url", """
                        The public URL of a port of a live sandbox (a persistent job's): anyone can open it, \
                        and a request wakes a sleeping sandbox. The server inside must listen on the port.""", """
                        {"type": "object", "properties": {%s,
                          "port": {"type": "integer", "minimum": 1, "maximum": 65535, "description": "The port (default 8080)"}},
                         "required": ["name"]}""".formatted(NAME),
                        a -> tools.url(a.string("name"), a.optInt("port", 1) == null ? 8080 : a.optInt("port", 1))));
    }

    private static SyncToolSpecification tool(McpJsonMapper json, String name, String description, String schema,
                                              Function<ToolArgs, ToolAnswer> call) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description(description).inputSchema(json, schema).build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, request) -> result(answer(call, request.arguments())))
                .build();
    }

    private static ToolAnswer answer(Function<ToolArgs, ToolAnswer> call, java.util.Map<String, Object> arguments) {
        try {
            return call.apply(new ToolArgs(arguments));
        } catch (IllegalArgumentException e) {
            return ToolAnswer.failed(e.getMessage());
        }
    }

    private static McpSchema.CallToolResult result(ToolAnswer answer) {
        McpSchema.CallToolResult.Builder result = McpSchema.CallToolResult.builder()
                .addTextContent(answer.text())
                .isError(answer.error());
        if (answer.structured() != null) {
            result.structuredContent(answer.structured());
        }
        return result.build();
    }
}
