package dev.mags.agent.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.agent.security.IdMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciSpecFactoryTest {
    private static final Path DIR = Path.of("/data/sandboxes/s1");

    private static BundleSpec spec(Map<String, String> env) {
        return spec(env, true);
    }

    private static BundleSpec spec(Map<String, String> env, boolean swapAccounting) {
        return new BundleSpec(List.of("sh", "-c", "echo hi"), env, DIR.resolve("rootfs"), "mags-vm",
                DIR.resolve("etc/hostname"), DIR.resolve("etc/hosts"), DIR.resolve("etc/resolv.conf"), "/mags/s1",
                new BundleSpec.Resources(64L << 20, 250, 4096, 512, swapAccounting), Path.of("/bin/busybox"),
                new IdMapping(100_000, 65_536), DIR.resolve("io"), null);
    }

    private static JsonNode json(BundleSpec spec) throws Exception {
        return new ObjectMapper().readTree(ConfigJson.toJson(OciSpecFactory.create(spec)));
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }

    @Test
    void processRunsTheCommandAsRootInRootsHome() throws Exception {
        JsonNode config = json(spec(Map.of()));
        JsonNode process = config.get("process");

        assertThat(config.get("ociVersion").asText()).isEqualTo("1.0.2");
        assertThat(process.get("terminal").asBoolean()).isFalse();
        assertThat(process.get("user").get("uid").asInt()).isZero();
        assertThat(process.get("user").get("gid").asInt()).isZero();
        assertThat(texts(process.get("args"))).containsExactly("sh", "-c", "echo hi");
        assertThat(process.get("cwd").asText()).isEqualTo("/root");
        assertThat(process.get("noNewPrivileges").asBoolean()).as("setuid binaries of the image must work").isFalse();
        assertThat(process.get("rlimits").get(0).get("type").asText()).isEqualTo("RLIMIT_NOFILE");
        assertThat(process.get("rlimits").get(0).get("hard").asInt()).as("the spec's open files").isEqualTo(512);
        assertThat(process.get("rlimits").get(0).get("soft").asInt()).isEqualTo(512);
    }

    @Test
    void keepsOnlyTheMinimalCapabilitySetInEverySet() throws Exception {
        JsonNode caps = json(spec(Map.of())).get("process").get("capabilities");

        for (String set : List.of("bounding", "effective", "permitted")) {
            assertThat(texts(caps.get(set))).containsExactlyInAnyOrder(
                    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETUID", "CAP_SETGID",
                    "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT");
        }
        assertThat(caps.has("inheritable")).isFalse();
        assertThat(caps.has("ambient")).isFalse();
    }

    @Test
    void runsInAUserNamespaceMappingRootToTheUnprivilegedRange() throws Exception {
        JsonNode linux = json(spec(Map.of())).get("linux");
        List<String> namespaces = new ArrayList<>();
        linux.get("namespaces").forEach(n -> namespaces.add(n.get("type").asText()));

        assertThat(namespaces).contains("user");
        for (String mappings : List.of("uidMappings", "gidMappings")) {
            assertThat(linux.get(mappings)).hasSize(1);
            JsonNode map = linux.get(mappings).get(0);
            assertThat(map.get("containerID").asLong()).isZero();
            assertThat(map.get("hostID").asLong()).isEqualTo(100_000);
            assertThat(map.get("size").asLong()).isEqualTo(65_536);
        }
    }

    @Test
    void embedsTheSeccompProfileWithoutItsComments() throws Exception {
        JsonNode seccomp = json(spec(Map.of())).get("linux").get("seccomp");

        assertThat(seccomp.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ALLOW");
        assertThat(texts(seccomp.get("architectures"))).containsExactly("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
        assertThat(seccomp.get("syscalls")).hasSizeGreaterThan(20);
        seccomp.get("syscalls").forEach(rule -> {
            assertThat(rule.has("comment")).isFalse();
            assertThat(rule.get("action").asText()).isEqualTo("SCMP_ACT_ERRNO");
        });
        assertThat(ConfigJson.toJson(OciSpecFactory.create(spec(Map.of())))).doesNotContain("comment");
        JsonNode masked = seccomp.get("syscalls").findValues("args").get(0).get(0);
        assertThat(masked.get("op").asText()).isEqualTo("SCMP_CMP_MASKED_EQ");
        assertThat(masked.has("valueTwo")).isTrue();
    }

    @Test
    void environmentHasDefaultsAndTheSpecWins() throws Exception {
        JsonNode env = json(spec(Map.of("LANG", "de_DE.UTF-8", "API_KEY", "k=v"))).get("process").get("env");

        assertThat(texts(env)).containsExactly(
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "HOME=/root", "HOSTNAME=mags-vm", "TERM=xterm", "LANG=de_DE.UTF-8", "API_KEY=k=v");
    }

    @Test
    void rootIsTheWritableOverlayAndHostnameIsSet() throws Exception {
        JsonNode config = json(spec(Map.of()));

        assertThat(config.get("root").get("path").asText()).isEqualTo("/data/sandboxes/s1/rootfs");
        assertThat(config.get("root").get("readonly").asBoolean()).isFalse();
        assertThat(config.get("hostname").asText()).isEqualTo("mags-vm");
    }

    @Test
    void mountsTheKernelFileSystemsAndTheSandboxsOwnEtcFiles() throws Exception {
        JsonNode mounts = json(spec(Map.of())).get("mounts");
        List<String> destinations = new ArrayList<>();
        mounts.forEach(m -> destinations.add(m.get("destination").asText()));

        assertThat(destinations).containsExactly("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
                "/sys/fs/cgroup", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/.mags/busybox", "/.mags/io");
        assertThat(texts(mounts.get(5).get("options"))).contains("ro", "nosuid", "noexec", "nodev");
        assertThat(texts(mounts.get(6).get("options"))).contains("ro");
        assertThat(mounts.get(8).get("type").asText()).isEqualTo("bind");
        assertThat(mounts.get(8).get("source").asText()).isEqualTo("/data/sandboxes/s1/etc/hosts");
        assertThat(texts(mounts.get(8).get("options"))).contains("rbind");
        assertThat(mounts.get(10).get("source").asText()).isEqualTo("/bin/busybox");
        assertThat(texts(mounts.get(10).get("options"))).contains("bind", "ro", "nosuid", "nodev");
        assertThat(mounts.get(11).get("source").asText()).isEqualTo("/data/sandboxes/s1/io");
        assertThat(texts(mounts.get(11).get("options"))).contains("bind", "ro", "nosuid", "nodev", "noexec");
    }

    @Test
    void resourcesLimitMemoryAndSwapAlikeCpuByQuotaAndProcesses() throws Exception {
        JsonNode resources = json(spec(Map.of())).get("linux").get("resources");

        assertThat(resources.get("memory").get("limit").asLong()).isEqualTo(64L << 20);
        assertThat(resources.get("memory").get("swap").asLong()).isEqualTo(64L << 20);
        assertThat(resources.get("memory").has("swappiness")).isFalse();
        assertThat(resources.get("cpu").get("quota").asLong()).isEqualTo(25_000);
        assertThat(resources.get("cpu").get("period").asLong()).isEqualTo(100_000);
        assertThat(resources.get("pids").get("limit").asLong()).isEqualTo(4096);
    }

    @Test
    void withoutSwapAccountingTheSandboxDoesNotSwap() throws Exception {
        JsonNode memory = json(spec(Map.of(), false)).get("linux").get("resources").get("memory");

        assertThat(memory.has("swap")).isFalse();
        assertThat(memory.get("swappiness").asLong()).isZero();
    }

    @Test
    void aUserNamespaceMadeBeforehandIsJoinedAndStillMapped() throws Exception {
        JsonNode linux = json(spec(Map.of()).withUserNamespace(Path.of("/proc/4242/ns/user"))).get("linux");
        Map<String, String> paths = new java.util.LinkedHashMap<>();
        linux.get("namespaces").forEach(n -> paths.put(n.get("type").asText(), n.path("path").asText(null)));

        assertThat(paths).containsEntry("user", "/proc/4242/ns/user");
        assertThat(paths).containsKeys("pid", "network", "ipc", "uts", "mount", "cgroup");
        paths.forEach((type, path) -> assertThat(path).as(type).isEqualTo(type.equals("user") ? "/proc/4242/ns/user" : null));
        // the runtime gives the sandbox's root its files (/dev, the console) by the mapping
        assertThat(linux.get("uidMappings").get(0).get("hostID").asLong()).isEqualTo(100_000);
        assertThat(linux.get("gidMappings").get(0).get("hostID").asLong()).isEqualTo(100_000);
    }

    @Test
    void linuxHasNamespacesExplicitCgroupsPathAndLimits() throws Exception {
        JsonNode linux = json(spec(Map.of())).get("linux");
        List<String> namespaces = new ArrayList<>();
        linux.get("namespaces").forEach(n -> namespaces.add(n.get("type").asText()));

        assertThat(namespaces).containsExactly("pid", "network", "ipc", "uts", "mount", "user", "cgroup");
        assertThat(linux.get("cgroupsPath").asText()).isEqualTo("/mags/s1");
        assertThat(linux.get("resources").get("pids").get("limit").asLong()).isEqualTo(4096);
        JsonNode devices = linux.get("resources").get("devices");
        assertThat(devices.get(0).get("allow").asBoolean()).isFalse();
        assertThat(devices.get(0).get("access").asText()).isEqualTo("rwm");
        assertThat(devices.get(0).has("major")).isFalse();
    }

    @Test
    void masksKernelInterfacesAndMakesHostWideSettingsReadOnly() throws Exception {
        JsonNode linux = json(spec(Map.of())).get("linux");

        assertThat(texts(linux.get("maskedPaths"))).contains(
                // runc's defaults
                "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
                // and what leaks kernel addresses, layout or energy use (a side channel)
                "/proc/kallsyms", "/proc/kmsg", "/proc/interrupts", "/sys/kernel/vmcoreinfo", "/sys/kernel/btf",
                "/sys/kernel/slab", "/sys/devices/virtual/powercap",
                // and what names the host: its boot, its disks (and other sandboxes' disk images), its machine
                "/proc/cmdline", "/proc/partitions", "/proc/diskstats", "/proc/swaps", "/proc/modules",
                "/proc/sys/kernel/random/boot_id", "/sys/block", "/sys/class/block", "/sys/dev/block",
                "/sys/devices/virtual/block", "/sys/devices/virtual/dmi");
        assertThat(texts(linux.get("readonlyPaths"))).containsExactly(
                "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", "/sys/fs/cgroup");
        List<String> sysOptions = texts(json(spec(Map.of())).get("mounts").get(5).get("options"));
        assertThat(sysOptions).as("/sys as a whole").contains("ro");
    }

    @Test
    void rejectsEnvironmentNamesThatCannotBeExpressed() {
        assertThatThrownBy(() -> spec(Map.of("A=B", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("A=B");
        assertThatThrownBy(() -> spec(Map.of("", "x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesConfigJsonIntoTheBundle(@TempDir Path bundle) throws Exception {
        Path file = ConfigJson.write(bundle, OciSpecFactory.create(spec(Map.of())));

        assertThat(file).isEqualTo(bundle.resolve("config.json"));
        assertThat(new ObjectMapper().readTree(Files.readString(file)).get("ociVersion").asText()).isEqualTo("1.0.2");
    }
}
