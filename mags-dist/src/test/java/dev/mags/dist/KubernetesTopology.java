package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.dist.KubernetesManifests.Container;
import dev.mags.dist.KubernetesManifests.Doc;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the Kubernetes objects fit together: selectors that select the workloads, Services and policies on ports the
 * containers have, the control planes listening where the Service sends traffic, the agents advertising their pod
 * IP on the port they listen on, with what an agent needs from its node.
 */
final class KubernetesTopology {
    private KubernetesTopology() {}

    static void check(KubernetesManifests k8s) {
        Map<Doc, Map<String, String>> pods = k8s.podLabels();
        for (Doc w : pods.keySet()) {
            assertThat(pods.get(w)).as("%s: its selector selects its pods", w)
                    .containsAllEntriesOf(KubernetesManifests.strings(w.node().path("spec").path("selector").path("matchLabels")));
            w.node().path("spec").path("template").path("spec").path("volumes").forEach(v -> {
                JsonNode secret = v.path("secret");
                for (JsonNode item : secret.path("items")) {
                    Doc s = k8s.find("Secret", secret.path("secretName").asText()).orElseThrow();
                    assertThat(s.node().path("stringData").has(item.path("key").asText())).as("%s: key %s", w, item).isTrue();
                }
            });
        }
        for (Doc svc : k8s.ofKind("Service")) {
            Doc target = selected(k8s, svc, svc.node().path("spec").path("selector"));
            for (JsonNode port : svc.node().path("spec").path("ports")) {
                assertThat(containerPort(k8s, target, port.path("targetPort").asText())).as("%s port %s", svc, port).isPresent();
            }
        }
        for (Doc pdb : k8s.ofKind("PodDisruptionBudget")) {
            selected(k8s, pdb, pdb.node().path("spec").path("selector").path("matchLabels"));
        }
        for (Doc policy : k8s.ofKind("NetworkPolicy")) {
            Doc target = selected(k8s, policy, policy.node().path("spec").path("podSelector").path("matchLabels"));
            for (JsonNode rule : policy.node().path("spec").path("ingress")) {
                rule.path("from").forEach(f -> selected(k8s, policy, f.path("podSelector").path("matchLabels")));
                rule.path("ports").forEach(p -> assertThat(containerPort(k8s, target, p.path("port").asText()))
                        .as("%s port %s", policy, p).isPresent());
            }
        }
        Container cp = main(k8s, "control-plane");
        Container agent = main(k8s, "agent");
        controlPlane(k8s, cp);
        agent(k8s, agent, cp);
    }

    private static void controlPlane(KubernetesManifests k8s, Container cp) {
        assertThat(cp.workload().kind()).isEqualTo("Deployment");
        assertThat(cp.workload().node().path("spec").path("replicas").asInt()).isEqualTo(2);
        PodEnv env = PodEnv.of(k8s, cp);
        assertThat(port(env.value("MAGS_LISTEN").orElseThrow())).as("MAGS_LISTEN's port is the API's container port").isEqualTo(containerPort(k8s, cp.workload(), "api").orElseThrow());
        assertThat(port(env.value("MAGS_SSH_LISTEN").orElseThrow())).as("MAGS_SSH_LISTEN's port is the SSH container port").isEqualTo(containerPort(k8s, cp.workload(), "ssh").orElseThrow());
    }

    private static void agent(KubernetesManifests k8s, Container agent, Container cp) {
        assertThat(agent.workload().kind()).isEqualTo("DaemonSet");
        assertThat(agent.node().path("securityContext").path("privileged").asBoolean()).as("the agent is privileged").isTrue();
        PodEnv env = PodEnv.of(k8s, agent);
        int listen = port(env.value("MAGS_AGENT_LISTEN").orElseThrow());
        assertThat(containerPort(k8s, agent.workload(), "agent")).as("MAGS_AGENT_LISTEN's port is the container port").hasValue(listen);
        assertThat(env.origin("MAGS_AGENT_ID")).as("an agent is named after its node").isEqualTo("field spec.nodeName");
        assertThat(env.value("MAGS_AGENT_ADVERTISE_URL")).as("an agent advertises its pod IP and port").hasValue("http://$(POD_IP):" + listen);
        assertThat(env.origin("POD_IP")).as("POD_IP is the pod's IP").isEqualTo("field status.podIP");
        // The host's /dev (loop devices appear as they are attached), its cgroup tree and a data dir on the node.
        List<String> hostMounts = new ArrayList<>();
        for (JsonNode mount : agent.node().path("volumeMounts")) {
            for (JsonNode v : agent.pod().path("volumes")) {
                if (v.path("name").asText().equals(mount.path("name").asText()) && v.has("hostPath")) {
                    assertThat(v.path("hostPath").path("path").asText()).isEqualTo(mount.path("mountPath").asText());
                    hostMounts.add(mount.path("mountPath").asText());
                }
            }
        }
        assertThat(hostMounts).containsExactlyInAnyOrder("/dev", "/sys/fs/cgroup", env.value("MAGS_DATA_DIR").orElseThrow());
        // Heartbeats go to the control planes' Service, on the port that reaches their API.
        URI controlPlane = URI.create(env.value("MAGS_CONTROL_PLANE").orElseThrow());
        String namespace = cp.workload().node().path("metadata").path("namespace").asText();
        Doc svc = k8s.ofKind("Service").stream()
                .filter(s -> controlPlane.getHost().equals(s.name() + "." + namespace + ".svc"))
                .findFirst().orElseThrow(() -> new AssertionError("MAGS_CONTROL_PLANE " + controlPlane + " names no Service"));
        assertThat(selected(k8s, svc, svc.node().path("spec").path("selector"))).isEqualTo(cp.workload());
        boolean reachesApi = false;
        for (JsonNode p : svc.node().path("spec").path("ports")) {
            reachesApi |= p.path("port").asInt() == controlPlane.getPort()
                    && containerPort(k8s, cp.workload(), p.path("targetPort").asText()).equals(containerPort(k8s, cp.workload(), "api"));
        }
        assertThat(reachesApi).as("%s reaches the control planes' API port", controlPlane).isTrue();
    }

    private static Container main(KubernetesManifests k8s, String role) {
        return k8s.containers().stream()
                .filter(c -> KubernetesManifests.texts(c.node().path("args")).equals(List.of(role)))
                .findFirst().orElseThrow(() -> new AssertionError("no container runs magsd " + role));
    }

    /** The one workload whose pods carry every label of {@code selector}. */
    private static Doc selected(KubernetesManifests k8s, Doc by, JsonNode selector) {
        Map<String, String> wanted = KubernetesManifests.strings(selector);
        assertThat(wanted).as("%s selects by labels", by).isNotEmpty();
        List<Doc> hits = k8s.podLabels().entrySet().stream()
                .filter(e -> e.getValue().entrySet().containsAll(wanted.entrySet())).map(Map.Entry::getKey).toList();
        assertThat(hits).as("workloads %s selects", by).hasSize(1);
        return hits.getFirst();
    }

    /** The number of the port a workload's containers have by that name or number. */
    private static Optional<Integer> containerPort(KubernetesManifests k8s, Doc workload, String nameOrNumber) {
        for (Container c : k8s.containers()) {
            if (c.workload().equals(workload)) {
                for (JsonNode p : c.node().path("ports")) {
                    if (p.path("name").asText().equals(nameOrNumber) || p.path("containerPort").asText().equals(nameOrNumber)) {
                        return Optional.of(p.path("containerPort").asInt());
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }
}
