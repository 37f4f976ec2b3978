package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.dist.KubernetesManifests.Container;
import dev.mags.dist.KubernetesManifests.Doc;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's environment as Kubernetes makes it: its envFrom ConfigMaps' keys, then its env entries in order
 * (a literal value, whose $(NAME) references Kubernetes expands from what came before, a field of the pod, or a
 * Secret's key). Checks that what it refers to exists.
 */
final class PodEnv {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    /** A variable: its literal value (null when from a field or a Secret) and where it comes from. */
    record Var(String value, String origin) {}

    private final KubernetesManifests k8s;
    private final Container container;
    private final Map<String, Var> vars = new LinkedHashMap<>();

    private PodEnv(KubernetesManifests k8s, Container container) {
        this.k8s = k8s;
        this.container = container;
    }

    static PodEnv of(KubernetesManifests k8s, Container c) {
        PodEnv env = new PodEnv(k8s, c);
        for (JsonNode from : c.node().path("envFrom")) {
            assertThat(from.has("configMapRef")).as("%s takes whole ConfigMaps only (Secrets key by key)", c).isTrue();
            String name = from.path("configMapRef").path("name").asText();
            Doc map = k8s.find("ConfigMap", name).orElseThrow(() -> new AssertionError(c + ": no ConfigMap " + name));
            KubernetesManifests.strings(map.node().path("data")).forEach((k, v) -> env.vars.put(k, new Var(v, "ConfigMap " + name)));
        }
        for (JsonNode e : c.node().path("env")) {
            String name = e.path("name").asText();
            if (e.has("value")) {
                String value = e.path("value").asText();
                Matcher m = REFERENCE.matcher(value);
                while (m.find()) {
                    assertThat(env.vars).as("%s: %s refers to $(%s), defined before it", c, name, m.group(1))
                            .containsKey(m.group(1));
                }
                env.vars.put(name, new Var(value, "value"));
            } else if (e.path("valueFrom").has("fieldRef")) {
                env.vars.put(name, new Var(null, "field " + e.path("valueFrom").path("fieldRef").path("fieldPath").asText()));
            } else {
                JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                env.secretKey(ref.path("name").asText(), ref.path("key").asText());
                env.vars.put(name, new Var(null, "secret " + ref.path("name").asText() + "/" + ref.path("key").asText()));
            }
        }
        return env;
    }

    Set<String> names() {
        return vars.keySet();
    }

    String origin(String name) {
        return vars.get(name).origin();
    }

    Optional<String> value(String name) {
        return Optional.ofNullable(vars.get(name)).map(Var::value);
    }

    /** The names that env values and the container's arguments refer to as $(NAME). */
    Set<String> referenced() {
        Set<String> names = new TreeSet<>();
        vars.values().stream().filter(v -> v.value() != null).forEach(v -> names.addAll(references(v.value())));
        KubernetesManifests.texts(container.node().path("args")).forEach(a -> names.addAll(references(a)));
        return names;
    }

    void checkReferences(List<String> args) {
        for (String a : args) {
            assertThat(names()).as("%s: argument %s refers to variables it has", container, a).containsAll(references(a));
        }
    }

    /** Every volume mount names a volume; every MAGS_*_FILE the command reads is a file one of them provides. */
    void checkFiles(Set<String> read) {
        Map<String, JsonNode> volumes = new LinkedHashMap<>();
        container.pod().path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        for (JsonNode mount : container.node().path("volumeMounts")) {
            assertThat(volumes).as("%s mounts volume %s", container, mount.path("name").asText())
                    .containsKey(mount.path("name").asText());
        }
        vars.forEach((name, v) -> {
            if (read.contains(name) && name.endsWith("_FILE")) {
                assertThat(v.value()).as("%s of %s is a path", name, container).isNotNull();
                Path file = Path.of(v.value());
                JsonNode mount = mountHolding(file).orElseThrow(() -> new AssertionError(
                        container + ": " + name + "=" + file + " is on no volume mount"));
                JsonNode secret = volumes.get(mount.path("name").asText()).path("secret");
                if (!secret.isMissingNode()) {
                    String rel = Path.of(mount.path("mountPath").asText()).relativize(file).toString();
                    JsonNode item = findItem(secret, rel).orElseThrow(() -> new AssertionError(
                            container + ": " + name + "=" + file + " is no item of its secret volume"));
                    secretKey(secret.path("secretName").asText(), item.path("key").asText());
                }
            }
        });
    }

    private Optional<JsonNode> mountHolding(Path file) {
        for (JsonNode mount : container.node().path("volumeMounts")) {
            Path at = Path.of(mount.path("mountPath").asText());
            if (file.startsWith(at) && !file.equals(at)) {
                return Optional.of(mount);
            }
        }
        return Optional.empty();
    }

    private static Optional<JsonNode> findItem(JsonNode secretVolume, String path) {
        for (JsonNode item : secretVolume.path("items")) {
            if (item.path("path").asText().equals(path)) {
                return Optional.of(item);
            }
        }
        return Optional.empty();
    }

    private void secretKey(String secretName, String key) {
        Doc secret = k8s.find("Secret", secretName).orElseThrow(() -> new AssertionError(container + ": no Secret " + secretName));
        boolean has = secret.node().path("stringData").has(key) || secret.node().path("data").has(key);
        assertThat(has).as("%s: Secret %s has key %s", container, secretName, key).isTrue();
    }

    private static Set<String> references(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
