package dev.mags.cli.command;

import dev.mags.api.JobRequest;
import dev.mags.sdk.Mags;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mags run}: submits a script, streams its output as it is produced, and exits with the
 * script's exit code. Ctrl-C asks the server to stop the job. With {@code --url} it returns once the
 * script runs, printing the URL that serves the sandbox's port instead ({@link UrlRun}).
 */
@Command(
        name = "run",
        description = "Run a script in a new sandbox, streaming its output, and exit with its exit code.",
        exitCodeOnExecutionException = JobOutcome.FAILED,
        footerHeading = "%nExit status:%n",
        footer = {
            "  N    the script's exit code, when the script ran",
            "  0    with --url: the URL was printed; the sandbox keeps running",
            "  124  the job timed out (see --timeout)",
            "  125  the job failed without an exit code, or mags itself failed",
            "       (API or connection error)",
            "  130  interrupted with Ctrl-C; mags asked the server to stop the job",
            "  2    invalid usage, or an option this server does not support yet",
            "  1    no API token (run 'mags login' or set MAGS_API_TOKEN)"
        })
public final class RunCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Option(names = {"-w", "--workspace", "-n", "--name"}, paramLabel = "NAME",
            description = "Run in this workspace (local to the server; with -p kept in storage). Also names the job."
                    + " -n/--name is the same option.")
    String workspace;

    @Option(names = "--job-name", paramLabel = "NAME", description = "Name the job (default: the workspace's name).")
    String name;

    @Option(names = {"-p", "--persistent"}, description = "Keep the sandbox after the script and sync the workspace to storage"
                    + " (without -w the server names a workspace).")
    boolean persistent;

    @Option(names = {"-e", "--ephemeral"}, description = "No workspace and no sync; cannot be combined with -w, -p or --base.")
    boolean ephemeral;

    @Option(names = "--base", paramLabel = "WORKSPACE", description = "Start from this workspace, mounted read-only.")
    String base;

    @Option(names = "--disk", paramLabel = "GB", description = "Disk size in GB (server default 2).")
    Integer diskGb;

    @Option(names = "--memory", paramLabel = "MB", description = "Memory limit in MiB (server default 1024).")
    Integer memoryMb;

    @Option(names = "--cpus", paramLabel = "N", description = "CPU quota in cores, e.g. 0.5 (server default 1).")
    Double cpus;

    @Option(names = "--no-sleep", description = "Never put the sandbox to sleep (requires -p).")
    boolean noSleep;

    @Option(names = "--startup-command", paramLabel = "CMD", description = "Command to start in the background whenever the sandbox starts again (requires -p).")
    String startupCommand;

    @Option(names = {"-f", "--file"}, paramLabel = "PATH", description = "Upload a file for the script: it is "
            + "/root/<its name> (and /uploads/<its name>) when the script starts (repeatable; a progress bar on a "
            + "terminal).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--url", description = "Once the script runs, print the public URL that serves the sandbox's"
            + " --port and return; the sandbox keeps running (requires -p).")
    boolean publicUrl;

    @Option(names = "--port", paramLabel = "PORT", description = "The port --url serves (default 8080).")
    Integer port;

    @Option(names = "--follow", description = "With --url: then print the script's output until it ends"
            + " (Ctrl-C stops following, not the job).")
    boolean follow;

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "Set an environment variable for the script (repeatable).")
    Map<String, String> environment = new LinkedHashMap<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop the job after this many seconds (exit status 124).")
    Integer timeoutSeconds;

    @Parameters(arity = "1..*", paramLabel = "SCRIPT",
            description = "The script, run with /bin/sh; several arguments are joined with spaces.")
    List<String> script;

    public RunCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        JobRequest request = request();
        try (Mags mags = ctx.openClient()) {
            if (!files.isEmpty()) {
                request = request.withFileIds(FileUploads.upload(mags, files));
            }
            String id = mags.run(request).requestId();
            if (publicUrl) {
                return new UrlRun(ctx, mags, id).serve(port == null ? UrlRun.DEFAULT_PORT : port, follow);
            }
            return JobFollow.run(ctx, id, (job, onLine) -> mags.follow(job, 0, onLine), mags::stop);
        }
    }

    JobRequest request() {
        validate();
        return JobRequest.builder(String.join(" ", script))
                .name(name != null ? name : workspace)
                .workspaceId(workspace)
                .baseWorkspaceId(base)
                .persistent(persistent ? Boolean.TRUE : null)
                .noSleep(noSleep ? Boolean.TRUE : null)
                .ephemeral(ephemeral ? Boolean.TRUE : null)
                .startupCommand(startupCommand)
                .environment(environment.isEmpty() ? null : new LinkedHashMap<>(environment))
                .diskGb(diskGb)
                .timeoutSeconds(timeoutSeconds)
                .memoryMb(memoryMb)
                .cpus(cpus)
                .build();
    }

    private void validate() {
        FileUploads.check(files);
        if (publicUrl && !persistent) {
            throw new ParameterException(spec.commandLine(), "--url needs -p: a URL serves a sandbox that stays; add -p");
        }
        if (port != null && !publicUrl) {
            throw new ParameterException(spec.commandLine(), "--port is the port of --url; add --url");
        }
        if (follow && !publicUrl) {
            throw new ParameterException(spec.commandLine(), "--follow goes with --url (without it, mags run prints the output anyway)");
        }
        if (port != null) {
            UrlRun.checkPort(spec.commandLine(), "--port", port);
        }
        if (ephemeral && (workspace != null || persistent || base != null)) {
            throw new ParameterException(spec.commandLine(), "-e/--ephemeral cannot be combined with -w, -p or --base");
        }
        if (noSleep && !persistent) {
            throw new ParameterException(spec.commandLine(), "--no-sleep requires -p/--persistent");
        }
        if (startupCommand != null && !persistent) {
            throw new ParameterException(spec.commandLine(), "--startup-command requires -p/--persistent");
        }
        if (diskGb != null && diskGb < 1) {
            throw new ParameterException(spec.commandLine(), "--disk must be at least 1 (GB), got " + diskGb);
        }
        if (timeoutSeconds != null && timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 (second), got " + timeoutSeconds);
        }
        if (String.join(" ", script).isBlank()) {
            throw new ParameterException(spec.commandLine(), "the script is empty");
        }
    }
}
