package dev.mags.agent.image;

import dev.mags.agent.process.CommandRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code update-ca-certificates} inside an image (through {@code chroot}), after copying in the CA
 * certificates the operator added to the host in Debian's place for them ({@code /usr/local/share/
 * ca-certificates}, e.g. the CA of a TLS-inspecting proxy): so that HTTPS clients in sandboxes (curl, pip,
 * npm, apt over https) trust what the host trusts beyond Debian's own list.
 */
final class UpdateCaCertificates {
    static final Path HOST_DIR = Path.of("/usr/local/share/ca-certificates");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final CommandRunner runner;
    private final Path hostDir;

    UpdateCaCertificates(CommandRunner runner, Path hostDir) {
        this.runner = runner;
        this.hostDir = hostDir;
    }

    /** Copies the host's {@code *.crt} (sub-directories too) into the image and updates its bundle. */
    void apply(Path rootfs, PrintStream progress) throws IOException {
        List<Path> certs = hostCertificates();
        if (certs.isEmpty()) {
            return;
        }
        Path target = rootfs.resolve("usr/local/share/ca-certificates/mags-host");
        Files.createDirectories(target);
        List<String> names = new ArrayList<>();
        for (Path cert : certs) {
            String name = hostDir.relativize(cert).toString().replace('/', '_');
            Files.copy(cert, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            names.add(name);
        }
        runner.run(List.of("chroot", rootfs.toString(), "update-ca-certificates"), TIMEOUT);
        progress.println("  trusts the host's local CA certificates (" + hostDir + "): " + String.join(", ", names));
    }

    private List<Path> hostCertificates() throws IOException {
        if (!Files.isDirectory(hostDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(hostDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".crt") && Files.isRegularFile(p)).sorted()
                    .toList();
        }
    }
}
