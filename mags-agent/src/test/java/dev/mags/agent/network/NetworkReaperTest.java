package dev.mags.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.process.FakeProcessLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkReaperTest {
    @TempDir
    Path dir;
    private Path proc;
    private Path sandboxes;
    private final List<Long> killed = new ArrayList<>();
    private NetworkReaper reaper;

    @BeforeEach
    void fakeProc() throws IOException {
        proc = Files.createDirectories(dir.resolve("proc"));
        sandboxes = dir.resolve("data/sandboxes");
        reaper = new NetworkReaper(proc, pid -> {
            killed.add(pid);
            try {
                Files.writeString(proc.resolve(pid + "/stat"), pid + " (slirp4netns) Z 1 0");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        process(100, "/sbin/init");
        process(200, slirpArgv(sandboxes.resolve("s1/net/slirp.sock"), 4000));
        process(300, slirpArgv(sandboxes.resolve("s2/net/slirp.sock"), 5000));
        process(400, slirpArgv(dir.resolve("elsewhere/s3/slirp.sock"), 6000)); // not ours
        process(500, slirpArgv(sandboxes.resolve("slirp.sock"), 7000)); // not in a sandbox's directory
        Files.createDirectories(proc.resolve("600")); // a kernel thread: empty command line
        Files.writeString(proc.resolve("600/cmdline"), "");
        Files.createDirectories(sandboxes.resolve("s1/net"));
        Files.writeString(sandboxes.resolve("s1/net/slirp.sock"), "");
    }

    @Test
    void findsSlirpProcessesOfSandboxesUnderTheSandboxesDirOnly() {
        assertThat(reaper.find(sandboxes)).containsExactly(
                new NetworkReaper.SlirpInstance(200, "s1", sandboxes.resolve("s1/net/slirp.sock")),
                new NetworkReaper.SlirpInstance(300, "s2", sandboxes.resolve("s2/net/slirp.sock")));
        assertThat(reaper.leaks(sandboxes)).containsExactly(
                "slirp4netns pid 200 of sandbox s1 (API socket " + sandboxes.resolve("s1/net/slirp.sock") + ")",
                "slirp4netns pid 300 of sandbox s2 (API socket " + sandboxes.resolve("s2/net/slirp.sock") + ")");
    }

    @Test
    void reapKillsThoseNotKeptAndRemovesTheirSockets() {
        NetworkReaper.Reaped report = reaper.reap(sandboxes, Set.of("s2"));

        assertThat(killed).containsExactly(200L);
        assertThat(report.sandboxIds()).containsExactly("s1");
        assertThat(report.problems()).isEmpty();
        assertThat(sandboxes.resolve("s1/net/slirp.sock")).doesNotExist();
    }

    @Test
    void aProcessThatWillNotDieIsReported() {
        NetworkReaper stubborn = new NetworkReaper(proc, pid -> killed.add(pid));

        NetworkReaper.Reaped report = stubborn.reap(sandboxes, Set.of("s1"));

        assertThat(killed).containsExactly(300L);
        assertThat(report.sandboxIds()).isEmpty();
        assertThat(report.problems()).singleElement().asString().contains("sandbox s2").contains("still runs");
    }

    private static List<String> slirpArgv(Path socket, long pid) {
        return new Slirp4netns(new FakeProcessLauncher()).argv(pid, socket);
    }

    private void process(long pid, String... argv) throws IOException {
        process(pid, List.of(argv));
    }

    private void process(long pid, List<String> argv) throws IOException {
        Path p = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(p.resolve("cmdline"), String.join("\0", argv) + "\0");
        Files.writeString(p.resolve("stat"), pid + " (" + Path.of(argv.get(0)).getFileName() + ") S 1 0");
    }
}
