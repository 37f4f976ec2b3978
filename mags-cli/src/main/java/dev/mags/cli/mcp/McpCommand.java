package dev.mags.cli.mcp;

import dev.mags.cli.command.CliContext;
import dev.mags.cli.command.HelpOption;
import dev.mags.cli.command.VersionProvider;
import dev.mags.cli.config.CliConfig;
import dev.mags.sdk.Mags;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mags mcp}: a Model Context Protocol server on stdin/stdout for AI agents (Claude Code, Cursor, ...), with
 * tools over the configured mags server. Its signature names no class of the MCP SDK, so that the other commands,
 * whose usage picocli builds from this class too, never load that SDK: only {@link McpStdio} does, when this runs.
 */
@Command(name = "mcp",
        description = "Serve the Model Context Protocol on stdin/stdout: sandbox tools for AI agents.",
        footerHeading = "%nTools:%n",
        footer = {
            "  run, new, exec, read_file, write_file, stop, status, logs, list, url",
            "",
            "Configure an MCP client (Claude Code, Cursor) with:",
            "  {\"mcpServers\": {\"mags\": {\"command\": \"mags\", \"args\": [\"mcp\"],",
            "    \"env\": {\"MAGS_API_URL\": \"http://127.0.0.1:8080\", \"MAGS_API_TOKEN\": \"...\"}}}}",
            "Without env, the URL and token saved by 'mags login' are used."
        })
public final class McpCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Option(names = "--max-output", paramLabel = "CHARS",
            description = "Keep at most this many characters of a tool's stdout and of its stderr; the start is cut, with a note (default 20000).")
    int maxOutput = 20_000;

    public McpCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (maxOutput < 100) {
            throw new ParameterException(spec.commandLine(), "--max-output must be at least 100, got " + maxOutput);
        }
        CliConfig config = ctx.config();
        String token = config.requireToken();
        // stdout carries the protocol: the MCP SDK's own log lines go to stderr, warnings only.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        try (Mags mags = ctx.openClient(config.apiUrl(), token);
                HttpSandboxExec exec = new HttpSandboxExec(config.apiUrl(), token)) {
            return McpStdio.serve(new SandboxTools(mags, exec, maxOutput),
                    new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                    new VersionProvider().getVersion()[0].replaceFirst("^mags ", ""));
        }
    }
}
