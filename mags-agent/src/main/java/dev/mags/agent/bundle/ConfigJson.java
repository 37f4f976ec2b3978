package dev.mags.agent.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes an OCI bundle's {@code config.json}. */
public final class ConfigJson {
    public static final String FILE_NAME = "config.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ConfigJson() {}

    public static String toJson(OciSpec spec) {
        try {
            return JSON.writeValueAsString(spec);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the OCI spec", e);
        }
    }

    /** Writes {@code <bundleDir>/config.json}; returns its path. */
    public static Path write(Path bundleDir, OciSpec spec) throws IOException {
        Files.createDirectories(bundleDir);
        return Files.writeString(bundleDir.resolve(FILE_NAME), toJson(spec));
    }
}
