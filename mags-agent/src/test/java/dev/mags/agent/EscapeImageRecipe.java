package dev.mags.agent;

import dev.mags.agent.image.Busybox;
import dev.mags.agent.image.BusyboxRecipe;
import dev.mags.agent.image.RootfsRecipe;
import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.ProcessLauncher;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * The busybox image plus what the isolation tests attack with: a user {@code alice} (1000), a setuid
 * root copy of busybox, a copy carrying the file capability cap_net_bind_service, an empty /mnt, and,
 * when gcc is installed, {@code escape-probe} (compiled from escape-probe.c, statically) which tries
 * the system calls busybox has no applet for.
 */
final class EscapeImageRecipe implements RootfsRecipe {
    static final String SUID_BUSYBOX = "/usr/local/bin/busybox-suid";
    static final String CAP_BUSYBOX = "/usr/local/bin/busybox-cap";
    static final String PROBE = "/usr/local/bin/escape-probe";
    /** security.capability for cap_net_bind_service=ep as setcap writes it (revision 2, host root). */
    static final String NET_BIND_SERVICE_V2 = "0x0100000200040000000000000000000000000000";

    private final CommandRunner runner = new CommandRunner(ProcessLauncher.system());

    @Override
    public void populate(Path rootfs, PrintStream progress) throws IOException {
        new BusyboxRecipe(new Busybox(runner, Path.of("/bin/busybox"))).populate(rootfs, progress);
        Files.createDirectories(rootfs.resolve("mnt"));
        Files.createDirectories(rootfs.resolve("usr/local/bin"));
        Files.writeString(rootfs.resolve("etc/passwd"), "alice:x:1000:1000:alice:/home/alice:/bin/sh\n",
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(rootfs.resolve("etc/group"), "alice:x:1000:\n", java.nio.file.StandardOpenOption.APPEND);
        Path home = Files.createDirectories(rootfs.resolve("home/alice"));
        Files.setAttribute(home, "unix:uid", 1000);
        Files.setAttribute(home, "unix:gid", 1000);

        Path suid = copyBusybox(rootfs, SUID_BUSYBOX);
        Files.setAttribute(suid, "unix:mode", 04755);
        Path cap = copyBusybox(rootfs, CAP_BUSYBOX);
        runner.run(List.of("setfattr", "-n", "security.capability", "-v", NET_BIND_SERVICE_V2, cap.toString()),
                Duration.ofSeconds(10));
        if (compileProbe(rootfs.resolve(PROBE.substring(1)))) {
            progress.println("  compiled " + PROBE);
        } else {
            progress.println("  no gcc: the tests that need " + PROBE + " are skipped");
        }
    }

    /** Named busybox-*: busybox runs as the multi-call binary only under a name starting with "busybox". */
    private static Path copyBusybox(Path rootfs, String path) throws IOException {
        Path copy = rootfs.resolve(path.substring(1));
        Files.copy(Path.of("/bin/busybox"), copy, StandardCopyOption.REPLACE_EXISTING);
        Files.setAttribute(copy, "unix:mode", 0755);
        return copy;
    }

    private boolean compileProbe(Path target) throws IOException {
        Path source = Files.createTempFile("escape-probe-", ".c");
        try (InputStream in = EscapeImageRecipe.class.getResourceAsStream("escape-probe.c")) {
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
            runner.run(List.of("gcc", "-static", "-O2", "-o", target.toString(), source.toString()), Duration.ofMinutes(2));
            return true;
        } catch (CommandFailedException e) {
            if (e.exitCode() == null) {
                return false; // gcc is not installed
            }
            throw e;
        } finally {
            Files.deleteIfExists(source);
        }
    }
}
