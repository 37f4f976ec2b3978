package dev.mags.sdk;

import dev.mags.api.ExecEnd;
import dev.mags.api.ExecLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads the JSON lines of a streamed exec until its end line. */
final class ExecLines {
    private ExecLines() {}

    static ExecEnd read(StreamResponse answer, ExecOutput onOutput, HttpTransport http, String what) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
            for (String text; (text = in.readLine()) != null; ) {
                if (text.isBlank()) {
                    continue;
                }
                ExecLine line = http.read(text, ExecLine.class, "line of " + what);
                if (line.isEnd()) {
                    return new ExecEnd(line.exitCode(), line.status(), line.reason(), line.message());
                }
                onOutput.output(line.stream(), line.data());
            }
        } catch (IOException e) {
            throw new MagsOutcomeUnknownException("the answer of " + what + " broke off before the command's end ("
                    + e.getMessage() + "); the command may still have run to its end", e);
        }
        throw new MagsOutcomeUnknownException("the answer of " + what + " ended before the command's end; the"
                + " command may still have run to its end", null);
    }
}
