package dev.mags.controlplane.ssh;

import dev.mags.controlplane.testing.HostSandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An SSH gateway on a free loopback port, with users' keys made by OpenSSH's ssh-keygen, sandboxes that run
 * host processes ({@link HostSandbox}) and the stock OpenSSH clients to talk to it.
 */
final class GatewayFixture implements AutoCloseable {
    /** A guard against a hung client, not a measure: every client run here ends within seconds. */
    private static final long CLIENT_GUARD_SECONDS = 120;

    record Run(int exit, String out, String err) {}

    final Path dir;
    final SshGateway gateway;
    private final Map<String, String> usersByFingerprint = new ConcurrentHashMap<>();
    private final Map<String, HostSandbox> sandboxes = new ConcurrentHashMap<>();
    private final Map<String, Path> keys = new ConcurrentHashMap<>();
    final List<String> resolved = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<String> released = new java.util.concurrent.CopyOnWriteArrayList<>();

    GatewayFixture(Path dir) {
        this.dir = dir;
        this.gateway = SshGateway.start(new SshGatewayConfig("127.0.0.1", 0, dir.resolve("ssh_host_ed25519_key")),
                this::userOf, this::resolve, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    /** A key pair of {@code user}'s made by ssh-keygen and registered for that user. */
    Path key(String user) {
        return keys.computeIfAbsent(user, u -> {
            Path key = newKey(u);
            usersByFingerprint.put(PublicKeys.parse(read(Path.of(key + ".pub"))).fingerprint(), u);
            return key;
        });
    }

    /** Registers {@code key} for {@code user} (a key made in Java, for MINA's own client). */
    void register(String user, PublicKey key) {
        usersByFingerprint.put(PublicKeys.fingerprint(key), user);
    }

    /** A key pair nobody registered. */
    Path strangerKey() {
        return newKey("stranger");
    }

    /** {@code user}'s sandbox called {@code name}. */
    HostSandbox sandbox(String user, String name) {
        return sandboxes.computeIfAbsent(user + "/" + name, k -> new HostSandbox(name, dir.resolve("sandbox-" + user
                + "-" + name)));
    }

    private Optional<String> userOf(PublicKey key) {
        return Optional.ofNullable(usersByFingerprint.get(PublicKeys.fingerprint(key)));
    }

    private Optional<SshTarget> resolve(String user, String login) {
        resolved.add(user + "/" + login);
        HostSandbox sandbox = sandboxes.get(user + "/" + login);
        return sandbox == null ? Optional.empty()
                : Optional.of(new SshTarget(login, sandbox, () -> released.add(user + "/" + login)));
    }

    /** The options every client run gets: no user or system config, this gateway's own known_hosts. */
    List<String> options(Path key) {
        return List.of("-F", "/dev/null", "-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + dir.resolve("known_hosts"),
                "-o", "StrictHostKeyChecking=accept-new", "-o", "LogLevel=ERROR");
    }

    /** {@code ssh -p PORT [extra...] LOGIN@127.0.0.1 [command]}. */
    Run ssh(Path key, String login, List<String> extra, String command, String stdin) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-p", Integer.toString(gateway.port())));
        cmd.addAll(options(key));
        cmd.addAll(extra);
        cmd.add(login + "@127.0.0.1");
        if (command != null) {
            cmd.add(command);
        }
        return run(cmd, stdin);
    }

    Run ssh(Path key, String login, String command) {
        return ssh(key, login, List.of(), command, null);
    }

    /** Runs a program to its end, stdin from {@code stdin} (or /dev/null), output captured in files. */
    Run run(List<String> command, String stdin) {
        try {
            Path in = Files.createTempFile(dir, "stdin", "");
            Path out = Files.createTempFile(dir, "stdout", "");
            Path err = Files.createTempFile(dir, "stderr", "");
            Files.writeString(in, stdin == null ? "" : stdin);
            Process p = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            if (!p.waitFor(CLIENT_GUARD_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(command + " did not end; stderr: " + Files.readString(err));
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Path newKey(String comment) {
        Path key = dir.resolve("key-" + comment + "-" + System.nanoTime());
        Run made = run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key.toString()), null);
        if (made.exit() != 0) {
            throw new IllegalStateException("ssh-keygen failed: " + made.err());
        }
        return key;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        gateway.close();
        sandboxes.values().forEach(HostSandbox::close);
    }
}
