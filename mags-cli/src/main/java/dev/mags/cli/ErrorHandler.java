package dev.mags.cli;

import dev.mags.cli.command.CliException;
import dev.mags.cli.config.ConfigException;
import dev.mags.sdk.MagsException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Reports a failed command as one line {@code mags: <message>} (with the stack trace only under
 * {@code --debug}). Exit codes: a {@link CliException}'s own, 1 for configuration problems, else
 * the command's {@code exitCodeOnExecutionException} (125 for {@code run}, 1 for the others).
 */
final class ErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (isDebug(parsed)) {
            ex.printStackTrace(err);
        }
        int code = switch (ex) {
            case CliException e -> e.exitCode();
            case ConfigException e -> CliException.CONFIG;
            default -> cmd.getCommandSpec().exitCodeOnExecutionException();
        };
        err.println("mags: " + message(ex));
        err.flush();
        return code;
    }

    private static String message(Exception ex) {
        if (ex instanceof CliException || ex instanceof ConfigException || ex instanceof MagsException) {
            return ex.getMessage();
        }
        String detail = ex.getMessage() == null ? ex.getClass().getName() : ex.getClass().getSimpleName() + ": " + ex.getMessage();
        return "unexpected error: " + detail + " (run with --debug for details)";
    }

    private static boolean isDebug(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
