package dev.mags.cli.direct;

import dev.mags.api.JobAccepted;
import dev.mags.cli.command.CliContext;
import dev.mags.cli.command.JobFollow;
import dev.mags.cli.command.JobOutcome;
import dev.mags.cli.config.CliConfig;
import dev.mags.cli.config.ConfigException;
import dev.mags.sdk.Mags;
import dev.mags.sdk.MagsApiException;
import dev.mags.sdk.MagsConnectionException;
import dev.mags.sdk.MagsException;
import dev.mags.sdk.QuickRun;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The common case of {@code mags run}, a script and nothing else, done without the option parser and
 * Jackson's data binding (their start-up alone is longer than a short job) through the SDK's
 * {@link QuickRun}. Only the happy path is handled here. Whatever this path does not know (options, no
 * token, a server that refused the job or could not be reached) is left to the full command, which
 * gives the usual messages; a stream that breaks after the job was accepted is resumed by the SDK's
 * follower. The job is never submitted twice: a submission that may have reached the server but got
 * no readable answer is reported.
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
        QuickRun quick;
        try {
            config = ctx.config();
            if (config.apiToken() == null) {
                return OptionalInt.empty();
            }
            quick = Mags.builder().baseUrl(config.apiUrl()).token(config.apiToken()).buildQuickRun();
        } catch (ConfigException | IllegalArgumentException e) {
            return OptionalInt.empty();
        }
        try (quick) {
            String id;
            try {
                id = submit(quick, script);
            } catch (NotSubmitted e) {
                return OptionalInt.empty();
            } catch (MagsException e) {
                ctx.err().println("mags: lost the connection to " + config.apiUrl() + " while submitting the job,"
                        + " which may have started (see 'mags list'): " + why(e));
                ctx.err().flush();
                return OptionalInt.of(JobOutcome.FAILED);
            }
            try {
                return OptionalInt.of(JobFollow.run(ctx, id, (job, onLine) -> quick.follow(job, 0, onLine), quick::stop));
            } catch (MagsException e) {
                ctx.err().println("mags: " + e.getMessage());
                ctx.err().flush();
                return OptionalInt.of(JobOutcome.FAILED);
            }
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

    /**
     * The new job's id. {@link NotSubmitted} when nothing was created (the server refused, or was never
     * reached); another {@link MagsException} when the server may have taken the job.
     */
    private static String submit(QuickRun quick, String script) {
        JobAccepted accepted;
        try {
            accepted = quick.run(script);
        } catch (MagsApiException e) {
            if (e.status() / 100 == 2) {
                throw e;   // accepted, but the answer is unreadable
            }
            throw new NotSubmitted();
        } catch (MagsConnectionException e) {
            throw new NotSubmitted();
        }
        if (accepted == null || accepted.requestId() == null || accepted.requestId().isBlank()) {
            throw new MagsApiException(200, MagsApiException.BAD_RESPONSE, "the server's answer has no request_id");
        }
        return accepted.requestId();
    }

    /** What went wrong: an unreadable answer as the SDK words it, else the connection's own failure. */
    private static String why(MagsException e) {
        Throwable cause = e.getCause();
        return e instanceof MagsApiException || cause == null || cause.getMessage() == null ? e.getMessage()
                : cause.getMessage();
    }

    /** Nothing reached the server, or it refused: the full command may do it all again. */
    private static final class NotSubmitted extends RuntimeException {
        NotSubmitted() {
            super(null, null, false, false);
        }
    }
}
