package dev.mags.controlplane.ssh;

import dev.mags.controlplane.testing.HostSandbox;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.ExecSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The gateway's own cost: {@code ssh -p PORT dev@127.0.0.1 true} with OpenSSH against a gateway whose sandbox runs
 * host processes ({@link HostSandbox}): with the key exchange OpenSSH 9 picks (sntrup761x25519, whose key
 * generation costs the client tens of ms of CPU) and with curve25519-sha256; beside the same {@code sh -c true}
 * started through that sandbox alone. Prints min, p50 and p90 in ms. Not a test; run it by hand:
 * <pre>
 * ./mvnw -q -pl mags-controlplane -am test-compile -DskipTests
 * ./mvnw -q -pl mags-controlplane dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp mags-controlplane/target/test-classes:mags-controlplane/target/classes:$(cat /tmp/cp.txt) \
 *     dev.mags.controlplane.ssh.SshGatewayBenchmark [runs]
 * </pre>
 */
public final class SshGatewayBenchmark {
    private static final int WARMUP = 5;

    private SshGatewayBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Path dir = Files.createTempDirectory("mags-ssh-bench");
        try (GatewayFixture gw = new GatewayFixture(dir)) {
            Path key = gw.key("alice");
            HostSandbox sandbox = gw.sandbox("alice", "dev");
            List<Double> ssh = new ArrayList<>();
            List<Double> curve = new ArrayList<>();
            List<Double> exec = new ArrayList<>();
            for (int i = 0; i < WARMUP + runs; i++) {
                double ms = time(gw, key, List.of());
                double curveMs = time(gw, key, List.of("-o", "KexAlgorithms=curve25519-sha256"));
                long start = System.nanoTime();
                sandbox.exec(ExecSpec.shell("true", null, null), (s, d, o, l) -> { }, CommandGate.OPEN).exit().join();
                double execMs = (System.nanoTime() - start) / 1e6;
                if (i >= WARMUP) {
                    ssh.add(ms);
                    curve.add(curveMs);
                    exec.add(execMs);
                }
            }
            report("ssh dev@127.0.0.1 true (OpenSSH's choice of key exchange)", ssh);
            report("ssh -o KexAlgorithms=curve25519-sha256 dev@127.0.0.1 true", curve);
            report("sh -c true through the host sandbox alone", exec);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double time(GatewayFixture gw, Path key, List<String> options) {
        long start = System.nanoTime();
        GatewayFixture.Run run = gw.ssh(key, "dev", options, "true", null);
        double ms = (System.nanoTime() - start) / 1e6;
        if (run.exit() != 0) {
            throw new IllegalStateException("ssh failed: " + run.err());
        }
        return ms;
    }

    private static void report(String what, List<Double> samples) {
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        System.out.printf("%-60s n=%d min=%.1f p50=%.1f p90=%.1f ms%n", what, sorted.size(), sorted.get(0),
                sorted.get(sorted.size() / 2), sorted.get((int) (sorted.size() * 0.9)));
    }
}
