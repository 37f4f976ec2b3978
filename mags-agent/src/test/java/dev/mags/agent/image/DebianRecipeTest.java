package dev.mags.agent.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebianRecipeTest {

    @Test
    void argvBuildsMinbaseWithThePackagesFromExplicitSources() {
        List<String> argv = Mmdebstrap.argv("bookworm", Path.of("/img/.debian.build-1/rootfs"),
                DebianRecipe.PACKAGES, DebianRecipe.defaultSources("bookworm", DebianRecipe.MIRROR, DebianRecipe.SECURITY_MIRROR));

        assertThat(argv).containsExactly(
                "mmdebstrap", "--variant=minbase", "--mode=root", "--format=directory",
                "--aptopt=Acquire::Retries \"3\"",
                "--include=python3,python3-pip,nodejs,npm,git,curl,wget,ca-certificates,procps,iproute2,nano,vim-tiny,"
                        + "python-is-python3",
                "bookworm", "/img/.debian.build-1/rootfs",
                "deb http://deb.debian.org/debian bookworm main",
                "deb http://deb.debian.org/debian bookworm-updates main",
                "deb http://deb.debian.org/debian-security bookworm-security main");
    }

    @Test
    void streamsProgressCleansAptAndReplacesTheHostsEtcFiles(@TempDir Path dir) throws Exception {
        Path rootfs = dir.resolve("rootfs");
        FakeProcessLauncher launcher = new FakeProcessLauncher().respond(argv -> {
            fakeDebootstrap(rootfs);
            return FakeProcess.exits(0, "", "I: chroot architecture amd64 is equal to the host's architecture\nI: success\n");
        });
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        new DebianRecipe(new Mmdebstrap(new CommandRunner(launcher)))
                .populate(rootfs, new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("  I: success");
        assertThat(rootfs.resolve("var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease")).doesNotExist();
        assertThat(rootfs.resolve("var/lib/apt/lists/partial")).isDirectory();
        assertThat(rootfs.resolve("var/cache/apt/pkgcache.bin")).doesNotExist();
        assertThat(rootfs.resolve("var/cache/apt/archives/python3.deb")).doesNotExist();
        assertThat(rootfs.resolve("var/cache/apt/archives/partial")).isDirectory();
        assertThat(rootfs.resolve("etc/hostname")).hasContent("mags-vm");
        assertThat(rootfs.resolve("etc/resolv.conf")).isEmptyFile();
        assertThat(rootfs.resolve("usr/local/bin/apk")).isExecutable().content().startsWith("#!/bin/sh");
        assertThat(rootfs.resolve("etc/pip.conf")).content().contains("break-system-packages = true");
    }

    @Test
    void theHostsLocalCaCertificatesAreCopiedInAndTheBundleUpdatedInTheImage(@TempDir Path dir) throws Exception {
        Path rootfs = dir.resolve("rootfs");
        Path hostCas = dir.resolve("host-cas");
        Files.createDirectories(hostCas.resolve("corp"));
        Files.writeString(hostCas.resolve("proxy.crt"), "-----BEGIN CERTIFICATE-----\nA\n");
        Files.writeString(hostCas.resolve("corp/root.crt"), "-----BEGIN CERTIFICATE-----\nB\n");
        Files.writeString(hostCas.resolve("README"), "not a certificate");
        FakeProcessLauncher launcher = new FakeProcessLauncher().respond(argv -> {
            if (argv.getFirst().equals("mmdebstrap")) {
                fakeDebootstrap(rootfs);
            }
            return FakeProcess.exits(0, "", "");
        });
        CommandRunner runner = new CommandRunner(launcher);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        new DebianRecipe(new Mmdebstrap(runner), "bookworm", List.of("deb http://m bookworm main"), List.of("python3"),
                new UpdateCaCertificates(runner, hostCas)).populate(rootfs, new PrintStream(printed, true, StandardCharsets.UTF_8));

        Path inImage = rootfs.resolve("usr/local/share/ca-certificates/mags-host");
        assertThat(inImage.resolve("proxy.crt")).hasContent("-----BEGIN CERTIFICATE-----\nA\n");
        assertThat(inImage.resolve("corp_root.crt")).hasContent("-----BEGIN CERTIFICATE-----\nB\n");
        assertThat(inImage.resolve("README")).doesNotExist();
        assertThat(launcher.started()).contains(List.of("chroot", rootfs.toString(), "update-ca-certificates"));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("corp_root.crt, proxy.crt");
    }

    private static void fakeDebootstrap(Path rootfs) {
        try {
            Files.createDirectories(rootfs.resolve("var/lib/apt/lists/partial"));
            Files.createDirectories(rootfs.resolve("var/cache/apt/archives/partial"));
            Files.createDirectories(rootfs.resolve("etc"));
            Files.writeString(rootfs.resolve("var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease"), "x");
            Files.writeString(rootfs.resolve("var/cache/apt/pkgcache.bin"), "x");
            Files.writeString(rootfs.resolve("var/cache/apt/archives/python3.deb"), "x");
            Files.writeString(rootfs.resolve("etc/hostname"), "build-host");
            Files.writeString(rootfs.resolve("etc/resolv.conf"), "nameserver 10.0.0.1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
