package dev.mags.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.mags.sdk.MagsJson;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** Prints API objects as indented JSON in the wire format, for {@code --json}. */
public final class JsonOutput {
    private static final ObjectWriter WRITER = MagsJson.newMapper().writerWithDefaultPrettyPrinter();

    private JsonOutput() {}

    public static void print(PrintWriter out, Object value) {
        try {
            out.println(WRITER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot print " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
