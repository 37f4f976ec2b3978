package dev.mags.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/mags run 'echo hi'} as a whole process beside {@code podman run --rm} of the same
 * image (flags from FACTS.md; the rootfs mounted as an overlay with {@code :O} so podman leaves it
 * untouched), alternating pair by pair so that machine noise hits both alike.
 */
final class CliVsPodman {
    final List<Double> cli = new ArrayList<>();
    final List<Double> podman = new ArrayList<>();
    final List<Double> ratio = new ArrayList<>();

    void measure(Path repo, Magsd magsd, Path imageRootfs, int pairs) {
        Map<String, String> env = Map.of("MAGS_API_URL", magsd.url(), "MAGS_API_TOKEN", magsd.token(), "HOME", "/tmp");
        List<String> cliArgv = List.of(repo.resolve("bin/mags").toString(), "run", "echo hi");
        List<String> podmanArgv = List.of("podman", "run", "--rm", "--cgroup-manager=cgroupfs", "--runtime", "runc",
                "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096", "--network", "none",
                "--rootfs", imageRootfs + ":O", "echo", "hi");
        // One of each first: the CLI records its ahead-of-time cache (in the background: wait for it, as a
        // user's later runs would have it), podman initialises its storage.
        Sh.run(cliArgv, env, Duration.ofMinutes(1));
        Path recording = repo.resolve("mags-cli/target/.aot.lock");
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (Files.exists(recording) && System.nanoTime() < deadline) {
            Bench.sleep(100);
        }
        Sh.run(podmanArgv, Map.of(), Duration.ofMinutes(2));
        for (int i = 0; i < pairs; i++) {
            Sh.Result c = Sh.run(cliArgv, env, Duration.ofMinutes(1)).orThrow(cliArgv);
            Sh.Result p = Sh.run(podmanArgv, Map.of(), Duration.ofMinutes(1)).orThrow(podmanArgv);
            if (!c.stdout().equals("hi\n") || !p.stdout().equals("hi\n")) {
                throw new IllegalStateException("unexpected output: mags '" + c.stdout() + "', podman '" + p.stdout() + "'");
            }
            cli.add(c.nanos() / 1e6);
            podman.add(p.nanos() / 1e6);
            ratio.add((double) c.nanos() / p.nanos());
        }
    }
}
