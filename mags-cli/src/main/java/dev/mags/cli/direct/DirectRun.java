package dev.mags.cli.direct;

import dev.mags.api.ApiPaths;
import dev.mags.cli.command.CliContext;
import dev.mags.cli.command.JobFollow;
import dev.mags.cli.command.JobOutcome;
import dev.mags.cli.config.CliConfig;
import dev.mags.cli.config.ConfigException;
import dev.mags.cli.json.TinyJson;
import dev.mags.sdk.Mags;
import dev.mags.sdk.MagsException;
import java.io.IOException;
import java.net.Socket;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The common case of {@code mags run}, a script and nothing else against an {@code http://} server,
 * done without the option parser, the SDK and its JSON binding: their start-up alone is longer than
 * a short job. Only the happy path is handled here. Whatever this path does not know (options,
 * https, no token, a refused or unreachable submission) is left to the full command, which gives
 * the usual messages; a stream that breaks after the job was accepted is resumed by the SDK. The
 * job is never submitted twice: a connection that fails once the request was sent is reported.
 */
public final class DirectRun {
    private DirectRun() {}

    /** The exit code, or empty when the full command should handle {@code args} instead. */
    public static OptionalInt attempt(String[] args, CliContext ctx) {
        String script = plainScript(args);
        if (script == null) {
            return OptionalInt.empty();
        }
        CliConfig config;
        try {
            config = ctx.config();
        } catch (ConfigException e) {
            return OptionalInt.empty();
        }
        if (config.apiToken() == null || !"http".equals(config.apiUrl().getScheme())) {
            return OptionalInt.empty();
        }
        PlainHttp http = new PlainHttp(config.apiUrl(), config.apiToken());
        String id;
        try {
            id = submit(http, script);
        } catch (NotSubmitted e) {
            return OptionalInt.empty();
        } catch (SubmissionLost e) {
            ctx.err().println("mags: lost the connection to " + config.apiUrl() + " while submitting the job, which may"
                    + " have started (see 'mags list'): " + e.getMessage());
            ctx.err().flush();
            return OptionalInt.of(JobOutcome.FAILED);
        }
        try {
            return OptionalInt.of(JobFollow.run(ctx, id, new DirectEvents(http, () -> ctx.openClient(config.apiUrl(),
                    config.apiToken())), job -> {
                        try (Mags mags = ctx.openClient(config.apiUrl(), config.apiToken())) {
                            mags.stop(job);
                        }
                    }));
        } catch (MagsException e) {
            ctx.err().println("mags: " + e.getMessage());
            ctx.err().flush();
            return OptionalInt.of(JobOutcome.FAILED);
        }
    }

    /**
     * The script of {@code run SCRIPT...} without options (joined with spaces, as the full command
     * does), or {@code null} for any other command line.
     */
    static String plainScript(String[] args) {
        if (args.length < 2 || !args[0].equals("run")) {
            return null;
        }
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("-")) {
                return null;
            }
        }
        String script = String.join(" ", Arrays.asList(args).subList(1, args.length));
        return script.isBlank() ? null : script;
    }

    private static String submit(PlainHttp http, String script) {
        Socket socket;
        try {
            socket = http.connect();
        } catch (IOException e) {
            throw new NotSubmitted();
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("script", script);
        request.put("type", "inline");
        try (PlainHttp.Response response = http.exchange(socket, "POST", ApiPaths.JOBS, TinyJson.write(request),
                "application/json", Map.of())) {
            // Not accepted: nothing was created, and the full command reports the server's answer.
            if (response.status() / 100 != 2) {
                throw new NotSubmitted();
            }
            Object id = TinyJson.parseObject(response.readBody()).get("request_id");
            if (!(id instanceof String text) || text.isBlank()) {
                throw new SubmissionLost("the server's answer has no request_id");
            }
            return text;
        } catch (IOException | IllegalArgumentException e) {
            throw new SubmissionLost(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** Nothing reached the server, or it refused: the full command may do it all again. */
    private static final class NotSubmitted extends RuntimeException {
        NotSubmitted() {
            super(null, null, false, false);
        }
    }

    /** The server may have taken the job; it must not be submitted again. */
    private static final class SubmissionLost extends RuntimeException {
        SubmissionLost(String message) {
            super(message, null, false, false);
        }
    }
}
