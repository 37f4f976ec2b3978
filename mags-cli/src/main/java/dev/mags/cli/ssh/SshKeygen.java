package dev.mags.cli.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** OpenSSH's {@code ssh-keygen}: makes the CLI's key pair. */
public final class SshKeygen {
    private static final long TIMEOUT_SECONDS = 30;
    private final Path program;

    public SshKeygen(Path program) {
        this.program = program;
    }

    /** An Ed25519 pair without passphrase at {@code key} and {@code key.pub}. */
    public void generate(Path key) throws IOException {
        run(List.of(program.toString(), "-q", "-t", "ed25519", "-N", "", "-f", key.toString()), null);
    }

    /** The public half of an existing private key. */
    public void writePublicKey(Path key, Path publicKey) throws IOException {
        run(List.of(program.toString(), "-y", "-f", key.toString()), publicKey);
    }

    private void run(List<String> command, Path output) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
                "/dev/null")));
        Path err = Files.createTempFile("mags-ssh-keygen", ".err");
        try {
            pb.redirectError(err.toFile());
            pb.redirectOutput(output == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(output.toFile()));
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(program + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(program + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + program, e);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
