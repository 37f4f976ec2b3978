package dev.mags.agent.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian image's {@code apk}, run by the host's sh with apt-get and dpkg-query replaced by scripts that
 * record their arguments: which Debian packages each Alpine command asks for, and the one line it says.
 * (The real thing in a sandbox: {@code dev.mags.dist.SeedExamplesE2EIT}.)
 */
class ApkScriptTest {
    @TempDir
    Path dir;
    private Path apk;
    private Path log;

    private record Run(int exit, String stderr, List<String> calls) {}

    @BeforeEach
    void fakeTools() throws IOException {
        apk = dir.resolve("apk");
        try (InputStream in = SeedCompat.class.getResourceAsStream("apk")) {
            Files.write(apk, in.readAllBytes());
        }
        log = dir.resolve("calls");
        for (String tool : List.of("apt-get", "dpkg-query")) {
            Path fake = dir.resolve("bin").resolve(tool);
            Files.createDirectories(fake.getParent());
            Files.writeString(fake, "#!/bin/sh\nprintf '%s\\n' \"" + tool + " $*\" >> " + log + "\n");
            Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private Run apk(String... args) throws Exception {
        Files.deleteIfExists(log);
        List<String> argv = new java.util.ArrayList<>(List.of("sh", apk.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> calls = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return new Run(p.exitValue(), err, calls);
    }

    @Test
    void addMapsAlpineNamesAndSaysWhatItInstallsInOneLine() throws Exception {
        Run r = apk("add", "--no-cache", "--virtual", ".deps", "py3-pip", "build-base", "nodejs", "npm", "py3-numpy");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stderr().lines().toList()).containsExactly("apk: this image is Debian: apt-get install python3-pip "
                + "build-essential nodejs npm python3-numpy (python3-pip for py3-pip, build-essential for build-base, "
                + "python3-numpy for py3-numpy)");
        // The image ships without package lists: the first add fetches them.
        assertThat(r.calls()).containsExactly("apt-get update -qq",
                "apt-get install -y -qq --no-install-recommends python3-pip build-essential nodejs npm python3-numpy");
    }

    @Test
    void delUpdateAndInfoUseAptAndDpkg() throws Exception {
        assertThat(apk("del", "py3-pip").calls()).containsExactly("apt-get remove -y -qq python3-pip");
        assertThat(apk("update").calls()).containsExactly("apt-get update -qq");
        assertThat(apk("info", "build-base").calls()).containsExactly("dpkg-query -W -f ${Package} ${Version}\\n build-essential");
        assertThat(apk("info").calls()).containsExactly("dpkg-query -W -f ${Package}\\n");
    }

    @Test
    void otherCommandsAndNoPackagesAreRefusedSayingWhatToUse() throws Exception {
        Run upgrade = apk("upgrade");
        assertThat(upgrade.exit()).isEqualTo(1);
        assertThat(upgrade.stderr()).contains("use apt-get");
        assertThat(upgrade.calls()).isEmpty();
        Run empty = apk("add", "--no-cache");
        assertThat(empty.exit()).isEqualTo(1);
        assertThat(empty.stderr()).contains("usage: apk add|del|update|info");
        assertThat(apk().exit()).isEqualTo(1);
    }
}
