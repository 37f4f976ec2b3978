package dev.mags.cli.command;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Asks the user for a secret (the API token for {@code mags login}). */
@FunctionalInterface
public interface SecretPrompt {

    /** The answer, or {@code null} when there is none (end of input). */
    String readSecret(String prompt);

    /** Reads one line from {@code in}, showing the prompt on {@code err}; for piped input and tests. */
    static SecretPrompt fromStream(InputStream in, PrintWriter err) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        return prompt -> {
            err.print(prompt);
            err.flush();
            try {
                return reader.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read from standard input", e);
            }
        };
    }
}
