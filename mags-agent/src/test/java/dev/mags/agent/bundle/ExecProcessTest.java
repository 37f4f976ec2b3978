package dev.mags.agent.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecProcessTest {

    @Test
    void theJobRunsWithTheContainersProcessSettingsAndItsOwnArgvEnvironmentAndCwd(@TempDir Path dir) throws Exception {
        BundleSpec bundle = new BundleSpec(List.of("/.mags/busybox", "sh", "-c", "init"), Map.of(), dir.resolve("rootfs"),
                "mags-vm", dir.resolve("etc/hostname"), dir.resolve("etc/hosts"), dir.resolve("etc/resolv.conf"),
                "/mags/s1", new BundleSpec.Resources(1L << 30, 1000, 256, 1024, true), Path.of("/bin/busybox"),
                dev.mags.agent.security.IdMapping.DEFAULT, null, null);
        ConfigJson.write(dir, OciSpecFactory.create(bundle));
        Path target = dir.resolve("exec.json");

        ExecProcess.write(dir, target, List.of("python3", "-c", "print(1)"), Map.of("LANG", "de_DE.UTF-8", "API_KEY", "s3cr3t"),
                "/root");

        JsonNode process = new ObjectMapper().readTree(target.toFile());
        JsonNode container = new ObjectMapper().readTree(dir.resolve("config.json").toFile()).get("process");
        assertThat(texts(process.get("args"))).containsExactly("python3", "-c", "print(1)");
        assertThat(process.get("cwd").asText()).isEqualTo("/root");
        assertThat(process.get("terminal").asBoolean()).isFalse();
        assertThat(texts(process.get("env"))).containsExactly(
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "HOSTNAME=mags-vm",
                "TERM=xterm", "LANG=de_DE.UTF-8", "API_KEY=s3cr3t");
        assertThat(process.get("capabilities")).isEqualTo(container.get("capabilities"));
        assertThat(process.get("user")).isEqualTo(container.get("user"));
        assertThat(process.get("rlimits")).isEqualTo(container.get("rlimits"));
        assertThat(process.get("noNewPrivileges")).isEqualTo(container.get("noNewPrivileges"));
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }
}
