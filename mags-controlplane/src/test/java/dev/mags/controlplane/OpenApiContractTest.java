package dev.mags.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.mags.controlplane.state.StateBackend;

/** The OpenAPI file at the repository root lists exactly the routes the server serves. */
class OpenApiContractTest {
    @TempDir
    Path dir;

    @Test
    void openApiFileMatchesTheServedRoutes() throws Exception {
        JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(Path.of("..", "openapi.yaml").toFile());
        List<String> documented = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String m = methods.next();
                if (!m.equals("parameters")) {
                    documented.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        try (TestApi api = new TestApi(StateBackend.SQLITE, dir, new FakeAgent("busybox"))) {
            assertThat(documented).containsExactlyInAnyOrderElementsOf(api.cp.routes());
        }
    }
}
