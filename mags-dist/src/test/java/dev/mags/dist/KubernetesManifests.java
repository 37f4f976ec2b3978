package dev.mags.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The YAML documents of a directory of Kubernetes manifests, each with the file it came from. */
record KubernetesManifests(List<Doc> docs) {

    record Doc(Path file, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return kind() + " " + name() + " (" + file.getFileName() + ")";
        }
    }

    /** A container of a workload, with the pod template it is in. */
    record Container(Doc workload, JsonNode pod, JsonNode node) {
        String name() {
            return node.path("name").asText();
        }

        @Override
        public String toString() {
            return workload + " container " + name();
        }
    }

    static KubernetesManifests load(Path dir) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        List<Doc> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
                    while (it.hasNext()) {
                        JsonNode node = it.next();
                        if (node != null && !node.isNull() && !node.isEmpty()) {
                            docs.add(new Doc(file, node));
                        }
                    }
                }
            }
        }
        return new KubernetesManifests(docs);
    }

    List<Doc> ofKind(String kind) {
        return docs.stream().filter(d -> d.kind().equals(kind)).toList();
    }

    Optional<Doc> find(String kind, String name) {
        return docs.stream().filter(d -> d.kind().equals(kind) && d.name().equals(name)).findFirst();
    }

    /** The containers and init containers of every Deployment and DaemonSet. */
    List<Container> containers() {
        List<Container> all = new ArrayList<>();
        for (Doc d : docs) {
            if (d.kind().equals("Deployment") || d.kind().equals("DaemonSet")) {
                JsonNode pod = d.node().path("spec").path("template").path("spec");
                for (String field : List.of("initContainers", "containers")) {
                    pod.path(field).forEach(c -> all.add(new Container(d, pod, c)));
                }
            }
        }
        return all;
    }

    /** The pod template labels of the workloads. */
    Map<Doc, Map<String, String>> podLabels() {
        Map<Doc, Map<String, String>> labels = new LinkedHashMap<>();
        for (Doc d : docs) {
            if (d.kind().equals("Deployment") || d.kind().equals("DaemonSet")) {
                labels.put(d, strings(d.node().path("spec").path("template").path("metadata").path("labels")));
            }
        }
        return labels;
    }

    static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            map.put(e.getKey(), e.getValue().asText());
        }
        return map;
    }

    static List<String> texts(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }
}
