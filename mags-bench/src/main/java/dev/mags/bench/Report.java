package dev.mags.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The result file ({@code bench/results/<date>.json}) and its Markdown table. */
record Report(
        @JsonProperty("date") String date,
        @JsonProperty("commit") String commit,
        @JsonProperty("machine") String machine,
        @JsonProperty("mode") String mode,
        @JsonProperty("image") String image,
        @JsonProperty("notes") java.util.List<String> notes,
        @JsonProperty("figures") Map<String, Figure> figures) {

    void write(Path json, Path markdown) throws IOException {
        Files.createDirectories(json.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), this);
        Files.writeString(markdown, markdown());
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Benchmark of ").append(date).append(", commit `").append(commit).append("`, ").append(machine)
                .append(", image `").append(image).append("`, mode ").append(mode).append(".\n\n");
        md.append("| figure | unit | n | p50 | p95 | p99 | min | max |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        figures.forEach((name, f) -> md.append("| `").append(name).append("` | ").append(f.unit()).append(" | ")
                .append(f.n()).append(" | ").append(f.p50()).append(" | ").append(f.p95()).append(" | ").append(f.p99())
                .append(" | ").append(f.min() == null ? "" : f.min()).append(" | ").append(f.max() == null ? "" : f.max())
                .append(" |\n"));
        for (String note : notes) {
            md.append("\n- ").append(note);
        }
        return md.append('\n').toString();
    }
}
