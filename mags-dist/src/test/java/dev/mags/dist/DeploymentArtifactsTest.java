package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.dist.KubernetesManifests.Container;
import dev.mags.dist.KubernetesManifests.Doc;
import dev.mags.dist.MagsdRoles.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment artifacts under deploy/ parse, and name only what exists: magsd's commands, their flags and their
 * environment variables (read from picocli, so a renamed flag or variable fails here), the files the launcher and
 * the image are made of, and, in the Kubernetes manifests, the objects, keys, volumes and ports they refer to.
 */
class DeploymentArtifactsTest {
    static final String MAGSD = "/opt/mags/bin/magsd";
    static final Pattern MAGS_VARIABLE = Pattern.compile("\\bMAGS_[A-Z0-9_]+\\b");
    /** What a cluster role cannot do without, besides its required flags. */
    static final Map<String, Set<String>> NEEDED = Map.of(
            "control-plane", Set.of("MAGS_DATABASE_URL", "MAGS_AGENT_SECRET_FILE", "MAGS_S3_ENDPOINT", "MAGS_S3_ACCESS_KEY",
                    "MAGS_S3_SECRET_KEY", "MAGS_LISTEN", "MAGS_SSH_LISTEN", "MAGS_SSH_HOST_KEY_FILE"),
            "agent", Set.of("MAGS_CONTROL_PLANE", "MAGS_AGENT_SECRET_FILE", "MAGS_S3_ENDPOINT", "MAGS_S3_ACCESS_KEY",
                    "MAGS_S3_SECRET_KEY"),
            "serve", Set.of());
    /** Values that must never sit in a ConfigMap or on a command line. */
    static final Set<String> SECRET_VARIABLES = Set.of("MAGS_DATABASE_URL", "MAGS_S3_ACCESS_KEY", "MAGS_S3_SECRET_KEY");

    final MagsdRoles roles = new MagsdRoles();
    final Path deploy = Repo.root().resolve("deploy");

    @Test
    void everyMagsVariableTheArtifactsNameIsReadByMagsd() throws IOException {
        Set<String> known = roles.allVariables();
        List<Path> files;
        try (Stream<Path> all = Files.walk(deploy)) {
            files = all.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(files).extracting(f -> deploy.relativize(f).toString()).contains("Dockerfile",
                "systemd/magsd.service", "systemd/magsd-control-plane.service", "systemd/magsd-agent.service",
                "kubernetes/kustomization.yaml");
        for (Path file : files) {
            assertThat(variablesIn(Files.readString(file))).as("MAGS_ variables in %s", file).isSubsetOf(known);
        }
    }

    @Test
    void systemdUnitsRunTheirRoleWithTheirOwnEnvironmentFile() throws IOException {
        Set<String> process = MagsdRoles.processVariables();
        Map<String, String> roleOfUnit = Map.of("magsd.service", "serve", "magsd-control-plane.service", "control-plane",
                "magsd-agent.service", "agent");
        try (Stream<Path> files = Files.list(deploy.resolve("systemd"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrderElementsOf(Stream.concat(
                    roleOfUnit.keySet().stream(), roleOfUnit.values().stream().map(r -> r + ".env.example")).toList());
        }
        for (var entry : roleOfUnit.entrySet()) {
            SystemdUnit unit = SystemdUnit.parse(deploy.resolve("systemd").resolve(entry.getKey()));
            Role role = roles.role(entry.getValue());
            assertThat(unit.sections().keySet()).as(entry.getKey()).containsExactly("Unit", "Service", "Install");
            assertThat(unit.value("Service", "Restart")).hasValue("always");
            assertThat(unit.value("Service", "KillMode")).hasValue("mixed");
            assertThat(unit.value("Service", "TimeoutStopSec")).isPresent();
            assertThat(unit.value("Service", "LimitNOFILE")).isPresent();
            assertThat(unit.value("Install", "WantedBy")).hasValue("multi-user.target");
            assertThat(unit.value("Unit", "Wants").orElseThrow()).contains("network-online.target");
            assertThat(unit.value("Unit", "After").orElseThrow()).contains("network-online.target");
            String envFile = unit.value("Service", "EnvironmentFile").orElseThrow();
            assertThat(envFile).isEqualTo("/etc/mags/" + role.path() + ".env");
            Path example = deploy.resolve("systemd").resolve(role.path() + ".env.example");
            Map<String, Boolean> assigned = envExample(example);
            assertThat(assigned.keySet()).as("variables of %s", example).isSubsetOf(union(role.variables(), process));
            Set<String> set = new TreeSet<>();
            assigned.forEach((k, active) -> { if (active) set.add(k); });
            assertThat(set).as("variables %s sets", example).containsAll(NEEDED.get(role.path()));
            // A unit that has systemd make its data dir (writable under ProtectSystem=strict) has magsd use that one.
            List<String> exampleLines = Files.readAllLines(example);
            unit.value("Service", "StateDirectory").ifPresent(dir -> assertThat(exampleLines)
                    .as("%s names the StateDirectory", example).contains("MAGS_DATA_DIR=/var/lib/" + dir));

            List<String> exec = unit.values("Service", "ExecStart");
            assertThat(exec).as("ExecStart of %s", entry.getKey()).hasSize(1);
            assertThat(commandRole(SystemdUnit.command(exec.getFirst()), set)).isEqualTo(role.path());
            for (String pre : unit.values("Service", "ExecStartPre")) {
                commandRole(SystemdUnit.command(pre), set);
            }
        }
        // Agents need no database: nothing orders them after one.
        assertThat(SystemdUnit.parse(deploy.resolve("systemd/magsd-agent.service")).values("Unit", "After"))
                .noneMatch(a -> a.contains("postgresql"));
    }

    /** A unit's command: magsd at its installed path, a real (sub)command, its real flags, variables its file sets. */
    private String commandRole(List<String> words, Set<String> defined) {
        assertThat(words.getFirst()).isEqualTo(MAGSD);
        List<String> args = words.subList(1, words.size());
        for (String w : args) {
            Matcher m = Pattern.compile("^\\$\\{(\\w+)}$").matcher(w);
            if (m.matches()) {
                assertThat(defined).as("%s is set by the environment file", w).contains(m.group(1));
            }
        }
        Role role = roles.role(args).orElseThrow(() -> new AssertionError("no magsd command in " + words));
        assertThat(flagsIn(args)).as("flags of magsd %s in %s", role.path(), words).isSubsetOf(role.flags());
        return role.path();
    }

    @Test
    void kubernetesManifestsAreObjectsOfKnownKindsInOneNamespace() throws IOException {
        KubernetesManifests k8s = KubernetesManifests.load(deploy.resolve("kubernetes"));
        Map<String, String> apiVersions = Map.of("Namespace", "v1", "Secret", "v1", "ConfigMap", "v1", "Service", "v1",
                "Deployment", "apps/v1", "DaemonSet", "apps/v1", "NetworkPolicy", "networking.k8s.io/v1",
                "PodDisruptionBudget", "policy/v1", "Kustomization", "kustomize.config.k8s.io/v1beta1");
        String namespace = k8s.ofKind("Namespace").getFirst().name();
        Set<String> seen = new TreeSet<>();
        for (Doc d : k8s.docs()) {
            assertThat(apiVersions).as("kind of %s", d).containsKey(d.kind());
            assertThat(d.node().path("apiVersion").asText()).as(d.toString()).isEqualTo(apiVersions.get(d.kind()));
            if (d.kind().equals("Kustomization")) {
                continue;
            }
            assertThat(d.name()).as("metadata.name of a document in %s", d.file()).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
            assertThat(seen.add(d.kind() + "/" + d.name())).as("one %s", d).isTrue();
            if (!d.kind().equals("Namespace")) {
                assertThat(d.node().path("metadata").path("namespace").asText()).as(d.toString()).isEqualTo(namespace);
            }
        }
        assertThat(k8s.ofKind("Namespace")).hasSize(1);
        // kubectl refuses ConfigMap and Secret values that YAML reads as numbers or booleans.
        for (Doc d : k8s.docs()) {
            for (String field : List.of("data", "stringData")) {
                d.node().path(field).forEach(v -> assertThat(v.isTextual()).as("values of %s are strings", d).isTrue());
            }
        }
        List<String> listed = KubernetesManifests.texts(k8s.ofKind("Kustomization").getFirst().node().path("resources"));
        try (Stream<Path> files = Files.list(deploy.resolve("kubernetes"))) {
            assertThat(listed).containsExactlyInAnyOrderElementsOf(files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml")).toList());
        }
    }

    @Test
    void kubernetesWorkloadsRunTheirRoleWithWhatTheyReferTo() throws IOException {
        KubernetesManifests k8s = KubernetesManifests.load(deploy.resolve("kubernetes"));
        Set<String> process = MagsdRoles.processVariables();
        Set<String> mainRoles = new TreeSet<>();
        Set<String> images = new TreeSet<>();
        Map<String, Set<String>> readers = new java.util.HashMap<>();
        for (Container c : k8s.containers()) {
            images.add(c.node().path("image").asText());
            assertThat(KubernetesManifests.texts(c.node().path("command"))).as(c.toString()).containsExactly(MAGSD);
            List<String> args = KubernetesManifests.texts(c.node().path("args"));
            Role role = roles.role(args).orElseThrow(() -> new AssertionError(c + " runs no magsd command: " + args));
            assertThat(flagsIn(args)).as("flags of %s", c).isSubsetOf(role.flags());
            PodEnv env = PodEnv.of(k8s, c);
            for (String name : env.names()) {
                String origin = env.origin(name);
                if (SECRET_VARIABLES.contains(name)) {
                    assertThat(origin).as("%s of %s comes from a Secret", name, c).startsWith("secret ");
                }
                if (origin.startsWith("ConfigMap ")) {
                    // A ConfigMap may serve several containers: each of its keys is read by one of them at least.
                    readers.computeIfAbsent(origin, o -> new TreeSet<>()).addAll(union(role.variables(), process));
                    continue;
                }
                if (name.startsWith("MAGS_")) {
                    assertThat(union(role.variables(), process)).as("%s of %s (magsd %s)", name, c, role.path()).contains(name);
                } else {
                    assertThat(env.referenced()).as("%s of %s is used by another variable or an argument", name, c)
                            .contains(name);
                }
            }
            env.checkReferences(args);
            env.checkFiles(role.variables());
            if (c.pod().path("containers").findValuesAsText("name").contains(c.name()) && NEEDED.containsKey(role.path())) {
                mainRoles.add(role.path());
                assertThat(env.names()).as("variables of %s", c).containsAll(NEEDED.get(role.path()));
            }
        }
        for (Doc map : k8s.ofKind("ConfigMap")) {
            Set<String> keys = KubernetesManifests.strings(map.node().path("data")).keySet();
            assertThat(keys).as("keys of %s", map).isSubsetOf(readers.getOrDefault("ConfigMap " + map.name(), Set.of()));
            assertThat(keys).as("secrets in %s", map).doesNotContainAnyElementsOf(SECRET_VARIABLES);
        }
        assertThat(mainRoles).containsExactlyInAnyOrder("control-plane", "agent");
        assertThat(images).as("one image, a placeholder to replace").containsExactly("ghcr.io/OWNER/mags:VERSION");
        KubernetesTopology.check(k8s);
    }

    @Test
    void theImageHoldsTheLauncherWhereTheManifestsRunIt() throws IOException {
        List<String> lines = Files.readAllLines(deploy.resolve("Dockerfile"));
        String launcher = Files.readString(Repo.magsd());
        assertThat(lines).contains("ENTRYPOINT [\"" + MAGSD + "\"]");
        Pattern copy = Pattern.compile("^COPY (--from=build /src/)?(\\S+) /opt/mags/(\\S+)$");
        List<String> copied = new ArrayList<>();
        for (String line : lines) {
            Matcher m = copy.matcher(line);
            if (m.matches()) {
                assertThat(m.group(3)).as("kept at the path the checkout has it: %s", line).isEqualTo(m.group(2));
                copied.add(m.group(2));
                boolean built = m.group(2).contains("/target/");
                assertThat(built ? launcher.contains("$ROOT/" + m.group(2)) : Files.exists(Repo.root().resolve(m.group(2))))
                        .as("%s exists (or is the classpath bin/magsd reads)", m.group(2)).isTrue();
            }
        }
        assertThat(copied).contains("bin/magsd", "scripts/lib", "mags-dist/target/lib");
    }

    static Set<String> variablesIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = MAGS_VARIABLE.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    static Set<String> flagsIn(List<String> args) {
        Set<String> flags = new TreeSet<>();
        for (String a : args) {
            if (a.startsWith("--")) {
                flags.add(a.contains("=") ? a.substring(0, a.indexOf('=')) : a);
            }
        }
        return flags;
    }

    /** VARIABLE=value lines of an env file, set ({@code true}) or commented out as an example ({@code false}). */
    static Map<String, Boolean> envExample(Path file) throws IOException {
        Map<String, Boolean> vars = new java.util.TreeMap<>();
        Pattern line = Pattern.compile("^(#?)([A-Z][A-Z0-9_]*)=.*$");
        for (String l : Files.readAllLines(file)) {
            Matcher m = line.matcher(l);
            if (m.matches()) {
                vars.merge(m.group(2), m.group(1).isEmpty(), Boolean::logicalOr);
            }
        }
        return vars;
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }
}
