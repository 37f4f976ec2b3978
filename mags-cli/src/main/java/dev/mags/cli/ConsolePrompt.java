package dev.mags.cli;

import dev.mags.cli.command.SecretPrompt;
import java.io.Console;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.function.Supplier;

/** Reads a secret without echo from the terminal when there is one, else a line from stdin. */
final class ConsolePrompt implements SecretPrompt {
    private final Supplier<Console> consoles;
    private final SecretPrompt stdin;

    /** {@code consoles} is asked only when a secret is read: looking the console up costs start-up time. */
    ConsolePrompt(Supplier<Console> consoles, InputStream in, PrintWriter err) {
        this.consoles = consoles;
        this.stdin = SecretPrompt.fromStream(in, err);
    }

    @Override
    public String readSecret(String prompt) {
        Console console = consoles.get();
        if (isTerminal(console)) {
            char[] secret = console.readPassword("%s", prompt);
            return secret == null ? null : new String(secret);
        }
        return stdin.readSecret(prompt);
    }

    /** Since Java 22 a console may exist without a terminal; {@code isTerminal()} tells (read reflectively on 21). */
    private static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException olderJava) {
            return true;
        }
    }
}
