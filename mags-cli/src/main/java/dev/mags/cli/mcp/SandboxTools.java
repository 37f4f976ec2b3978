package dev.mags.cli.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.mags.api.JobInfo;
import dev.mags.api.JobLogs;
import dev.mags.api.JobRequest;
import dev.mags.api.JobStatus;
import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import dev.mags.sdk.JobResult;
import dev.mags.sdk.Mags;
import dev.mags.sdk.MagsApiException;
import dev.mags.sdk.MagsException;
import dev.mags.sdk.MagsJson;
import dev.mags.sdk.MagsTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the MCP tools do, over the Java SDK (and {@link SandboxExec} for commands in a live sandbox); no MCP types,
 * so it is tested on its own. Every method answers; failures become an error answer with the server's code and
 * message, never an exception.
 */
final class SandboxTools {
    /** A run without its own timeout is stopped after this long, so that no sandbox outlives a forgotten call. */
    static final int DEFAULT_RUN_TIMEOUT = 300;
    /** How long {@code new} waits for its sandbox to run. */
    private static final Duration NEW_WAIT = Duration.ofSeconds(60);

    private static final ObjectWriter JSON = MagsJson.newMapper().writerWithDefaultPrettyPrinter();

    private final Mags mags;
    private final SandboxExec exec;
    private final int maxOutputChars;

    SandboxTools(Mags mags, SandboxExec exec, int maxOutputChars) {
        this.mags = mags;
        this.exec = exec;
        this.maxOutputChars = maxOutputChars;
    }

    /** Runs a script in a new sandbox (or in a workspace's) and answers once it ends. */
    ToolAnswer run(String script, String workspace, boolean persistent, Integer timeout, Map<String, String> env) {
        return answer(() -> {
            if (script == null || script.isBlank()) {
                return ToolAnswer.failed("the script is empty");
            }
            if (persistent && workspace == null) {
                return ToolAnswer.failed("persistent needs a workspace: name one with 'workspace'");
            }
            Integer jobTimeout = timeout != null ? timeout : persistent ? null : DEFAULT_RUN_TIMEOUT;
            JobRequest request = JobRequest.builder(script)
                    .name(workspace)
                    .workspaceId(workspace)
                    .persistent(persistent ? Boolean.TRUE : null)
                    .environment(env == null || env.isEmpty() ? null : env)
                    .timeoutSeconds(jobTimeout)
                    .build();
            // The job ends by its own timeout; the wait allows for a queue before it starts.
            Duration wait = Duration.ofSeconds((jobTimeout != null ? jobTimeout : DEFAULT_RUN_TIMEOUT) + 120L);
            JobResult result;
            try {
                result = mags.runAndWait(request, wait);
            } catch (MagsTimeoutException e) {
                return ToolAnswer.failed(e.getMessage() + "; follow it with the status and logs tools");
            }
            return outcome(result.requestId(), result.job(), result.stdout(), result.stderr(), null, false);
        });
    }

    /** Creates a sandbox that stays (a persistent job running {@code sleep infinity} on workspace NAME). */
    ToolAnswer newSandbox(String name, boolean persistent) {
        return answer(() -> {
            JobInfo live = liveSandbox(name);
            if (live != null) {
                return ToolAnswer.ok("sandbox '" + name + "' already runs (request id " + live.requestId()
                        + "); run commands in it with exec, end it with stop", Map.of("request_id", live.requestId(), "name", name));
            }
            String keepRunning = "sleep infinity";
            JobRequest request = JobRequest.builder(keepRunning)
                    .name(name)
                    .workspaceId(name)
                    .persistent(Boolean.TRUE)
                    .startupCommand(keepRunning)
                    .noSync(persistent ? null : Boolean.TRUE)
                    .build();
            String id = mags.run(request).requestId();
            long deadline = System.nanoTime() + NEW_WAIT.toNanos();
            JobInfo job = mags.status(id);
            while (job.status() == JobStatus.PENDING && System.nanoTime() < deadline) {
                Thread.sleep(100);
                job = mags.status(id);
            }
            if (job.status() != JobStatus.RUNNING && job.status() != JobStatus.SLEEPING) {
                return ToolAnswer.failed("sandbox '" + name + "' is " + job.status().wireName()
                        + (job.errorMessage() == null ? "" : ": " + job.errorMessage()) + " (request id " + id + ")");
            }
            return ToolAnswer.ok("sandbox '" + name + "' runs (request id " + id + ", "
                    + (persistent ? "workspace synced to storage" : "workspace on the server's disk only")
                    + "); run commands in it with exec, end it with stop", Map.of("request_id", id, "name", name));
        });
    }

    /** The running or sleeping job on workspace NAME, or null: a second sandbox there would only wait for the first. */
    private JobInfo liveSandbox(String name) {
        try {
            JobInfo job = mags.status(name);
            boolean live = job.status() == JobStatus.RUNNING || job.status() == JobStatus.SLEEPING;
            return live && name.equals(job.workspaceId()) ? job : null;
        } catch (MagsApiException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** Runs a command in a live sandbox. */
    ToolAnswer exec(String name, String command, Integer timeout) {
        return answer(() -> {
            ExecAnswer a = exec.exec(name, command, null, timeout);
            return outcome(null, null, a.stdout(), a.stderr(), a, a.truncated());
        });
    }

    /** A file of a live sandbox, as text (base64 when it is not UTF-8), read with {@code base64} inside. */
    ToolAnswer readFile(String name, String path) {
        return answer(() -> {
            ExecAnswer a = exec.exec(name, "base64 " + SandboxFiles.quote(path), null, 60);
            return SandboxFiles.read(path, a);
        });
    }

    /** Writes text to a file of a live sandbox (its directories made), through {@code base64 -d} inside. */
    ToolAnswer writeFile(String name, String path, String content) {
        return answer(() -> SandboxFiles.write(path, content, (command, stdin) -> exec.exec(name, command, stdin, 60)));
    }

    ToolAnswer stop(String name) {
        return answer(() -> ToolAnswer.ok(json(mags.stop(name))));
    }

    ToolAnswer status(String name) {
        return answer(() -> ToolAnswer.ok(json(mags.status(name))));
    }

    ToolAnswer list() {
        return answer(() -> ToolAnswer.ok(json(mags.list())));
    }

    /** The first page of a job's stored output, stderr lines marked. */
    ToolAnswer logs(String name) {
        return answer(() -> {
            JobLogs logs = mags.logs(name);
            StringBuilder text = new StringBuilder();
            for (LogEntry line : logs.logs()) {
                text.append(line.source() == LogSource.STDOUT ? "" : "[" + line.source().wireName() + "] ")
                        .append(line.message()).append('\n');
            }
            return ToolAnswer.ok("status: " + logs.status().wireName() + "\n"
                    + Truncation.tail(text.toString(), maxOutputChars, "output"));
        });
    }

    /** Where a sandbox's port is reached: the server's answer, an error for ports it cannot serve. */
    ToolAnswer url(String name, int port) {
        return answer(() -> ToolAnswer.ok(json(mags.enableAccess(name, port))));
    }

    private ToolAnswer outcome(String id, JobInfo job, String stdout, String stderr, ExecAnswer exec, boolean cut) {
        Integer exitCode = job != null ? job.exitCode() : exec.exitCode();
        String note = job != null ? job.errorMessage() : exec.message();
        StringBuilder text = new StringBuilder();
        if (id != null) {
            text.append("request_id: ").append(id).append('\n');
        }
        if (job != null) {
            text.append("status: ").append(job.status().wireName()).append('\n');
        }
        text.append("exit_code: ").append(exitCode == null ? "none" : exitCode).append('\n');
        // the bare exit is said by exit_code already; a limit or failure is worth a note
        if (note != null && !note.equals("script exited with code " + exitCode)
                && !note.equals("command exited with code " + exitCode)) {
            text.append("note: ").append(note).append('\n');
        }
        if (cut) {
            text.append("note: the server kept only part of the output\n");
        }
        String logsHint = id == null ? "output" : "output (all of it: the logs tool with " + id + ")";
        String out = Truncation.tail(stdout, maxOutputChars, logsHint);
        String err = Truncation.tail(stderr, maxOutputChars, logsHint);
        text.append("--- stdout ---\n").append(out).append(out.isEmpty() || out.endsWith("\n") ? "" : "\n");
        text.append("--- stderr ---\n").append(err);
        Map<String, Object> structured = new LinkedHashMap<>();
        if (id != null) {
            structured.put("request_id", id);
        }
        structured.put("exit_code", exitCode);
        structured.put("stdout", out);
        structured.put("stderr", err);
        // A non-zero exit code is an answer, not a failed call; no exit code at all is (a limit, a timeout).
        boolean failed = exitCode == null && (job == null || job.status() == JobStatus.ERROR);
        return new ToolAnswer(text.toString(), structured, failed);
    }

    private static String json(Object value) throws JsonProcessingException {
        return JSON.writeValueAsString(value);
    }

    private interface Call {
        ToolAnswer call() throws Exception;
    }

    private static ToolAnswer answer(Call call) {
        try {
            return call.call();
        } catch (MagsApiException e) {
            return ToolAnswer.failed("error " + e.status() + " " + e.code() + ": " + e.getMessage());
        } catch (MagsException | SandboxExec.ExecUnavailableException | IllegalArgumentException e) {
            return ToolAnswer.failed(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ToolAnswer.failed("interrupted");
        } catch (Exception e) {
            return ToolAnswer.failed("unexpected error: " + e);
        }
    }
}
