package dev.mags.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.process.FakeProcessLauncher;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class Slirp4netnsTest {

    @Test
    void joinsTheNamespaceByPidWithoutHostLoopbackAndSandboxed() {
        List<String> argv = new Slirp4netns(new FakeProcessLauncher())
                .argv(4242, Path.of("/data/sandboxes/s1/net/slirp.sock"));

        assertThat(argv).containsExactly("slirp4netns", "--configure", "--mtu=65520", "--disable-host-loopback",
                "--enable-sandbox", "--enable-seccomp", "--api-socket", "/data/sandboxes/s1/net/slirp.sock", "4242", "tap0");
    }

    @Test
    void findsTheApiSocketInASlirpCommandLineOnly() {
        assertThat(Slirp4netns.apiSocketOf(new Slirp4netns(new FakeProcessLauncher()).argv(1, Path.of("/d/s/x.sock"))))
                .contains(Path.of("/d/s/x.sock"));
        assertThat(Slirp4netns.apiSocketOf(List.of("/usr/bin/slirp4netns", "--api-socket=/d/s/y.sock", "7", "tap0")))
                .contains(Path.of("/d/s/y.sock"));
        assertThat(Slirp4netns.apiSocketOf(List.of("slirp4netns", "7", "tap0"))).isEmpty();
        assertThat(Slirp4netns.apiSocketOf(List.of("sh", "--api-socket", "/d/s/x.sock"))).isEmpty();
        assertThat(Slirp4netns.apiSocketOf(List.of())).isEmpty();
        assertThat(Slirp4netns.apiSocketOf(List.of("/", "--api-socket", "/d/s/x.sock"))).as("a process named /").isEmpty();
    }
}
