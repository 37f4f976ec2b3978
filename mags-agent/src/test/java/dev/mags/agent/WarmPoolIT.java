package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.agent.image.ImageBuilder;
import dev.mags.agent.image.ImageStore;
import dev.mags.agent.sandbox.Container;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The warm path (a pooled container runs the job) and the cold path (one is built for it), on the real host. */
class WarmPoolIT {
    private static ItHost host;

    @BeforeAll
    static void setUp() throws Exception {
        host = ItHost.create();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    private static Job launch(LocalAgent agent, JobSpec spec, RecordingListener output) {
        return Job.launch(agent, spec, output);
    }

    private static JobSpec echo(String text) {
        return JobSpec.shell(ItHost.uniqueId("pool"), "busybox", "echo " + text, Map.of(), null);
    }

    @Test
    void aPoolMemberRunsTheJobAndThePoolRefills() throws Exception {
        try (LocalAgent agent = host.agent(WarmPoolConfig.of("busybox", 1))) {
            ItHost.awaitPool(agent, 1);
            String pooled = agent.warmPool().pooled().get(0).id();
            RecordingListener output = new RecordingListener();

            Job sandbox = launch(agent, echo("warm"), output);

            assertThat(sandbox.containerId()).isEqualTo(pooled);
            assertThat(sandbox.exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
            assertThat(output.stdout()).containsExactly("warm");
            ItHost.awaitPool(agent, 1);
            assertThat(agent.warmPool().pooled()).extracting(Container::id).doesNotContain(pooled);
        }
        assertThat(HostLeaks.scan(host.config)).isEmpty();
    }

    @Test
    void withPoolSizeZeroEveryJobGetsAContainerOfItsOwn() throws Exception {
        try (LocalAgent agent = host.agent(WarmPoolConfig.of("busybox", 0))) {
            RecordingListener output = new RecordingListener();

            Job sandbox = launch(agent, echo("cold"), output);

            assertThat(sandbox.containerId()).isEqualTo(sandbox.id());
            assertThat(sandbox.exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
            assertThat(output.stdout()).containsExactly("cold");
            assertThat(agent.warmPool().pooled()).isEmpty();
        }
        assertThat(HostLeaks.scan(host.config)).isEmpty();
    }

    @Test
    void aJobWhoseLimitsDifferFromThePoolsGetsAContainerOfItsOwn() throws Exception {
        try (LocalAgent agent = host.agent(WarmPoolConfig.of("busybox", 1))) {
            ItHost.awaitPool(agent, 1);
            SandboxLimits other = new SandboxLimits(256 * SandboxLimits.MIB, 500, 512 * SandboxLimits.MIB, 128);
            RecordingListener output = new RecordingListener();

            Job sandbox = launch(agent, new JobSpec(ItHost.uniqueId("shape"), "busybox",
                    List.of("sh", "-c", "echo other"), Map.of(), null, other, NetworkMode.NONE), output);

            assertThat(sandbox.containerId()).isEqualTo(sandbox.id());
            assertThat(sandbox.exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
            assertThat(agent.warmPool().pooled()).hasSize(1);
        }
        assertThat(HostLeaks.scan(host.config)).isEmpty();
    }

    @Test
    void aPoolMemberWhoseInitDiedIsDiscardedNotHandedOut() throws Exception {
        try (LocalAgent agent = host.agent(WarmPoolConfig.of("busybox", 1))) {
            ItHost.awaitPool(agent, 1);
            String pooled = agent.warmPool().pooled().get(0).id();
            long init = new ObjectMapper().readTree(host.config.runtimeRoot().resolve(pooled).resolve("state.json").toFile())
                    .path("init_process_pid").asLong();
            ProcessHandle.of(init).orElseThrow().destroyForcibly();
            // Dead means a zombie or gone; the kernel needs a moment to end a PID namespace.
            await().atMost(Duration.ofSeconds(10)).until(() -> !agent.warmPool().pooled().get(0).isAlive());
            RecordingListener output = new RecordingListener();

            Job sandbox = launch(agent, echo("still-works"), output);

            assertThat(sandbox.containerId()).isNotEqualTo(pooled);
            assertThat(sandbox.exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
            assertThat(output.stdout()).containsExactly("still-works");
            ItHost.awaitPool(agent, 1);
        }
        assertThat(HostLeaks.scan(host.config)).isEmpty();
    }

    @Test
    void aPoolMemberOfAnImageRebuiltSinceIsDiscarded() throws Exception {
        try (LocalAgent agent = host.agent(WarmPoolConfig.of("busybox", 1))) {
            ItHost.awaitPool(agent, 1);
            String pooled = agent.warmPool().pooled().get(0).id();
            Thread.sleep(10); // a new build time
            ImageBuilder.standard(new ImageStore(host.config.imagesDir())).build("busybox",
                    new PrintStream(OutputStream.nullOutputStream()));
            RecordingListener output = new RecordingListener();

            Job sandbox = launch(agent, echo("new-image"), output);

            assertThat(sandbox.containerId()).isNotEqualTo(pooled);
            assertThat(sandbox.exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
            assertThat(output.stdout()).containsExactly("new-image");
        }
        assertThat(HostLeaks.scan(host.config)).isEmpty();
    }

    @Test
    void closeReleasesEveryPooledSandbox() throws Exception {
        List<String> pooled;
        try (LocalAgent agent = host.agent(WarmPoolConfig.of("busybox", 3))) {
            ItHost.awaitPool(agent, 3);
            pooled = agent.warmPool().pooled().stream().map(Container::id).toList();
            assertThat(HostLeaks.scan(host.config)).anySatisfy(l -> assertThat(l).startsWith("loop device"));
        }

        assertThat(HostLeaks.scan(host.config)).isEmpty();
        for (String id : pooled) {
            assertThat(host.config.sandboxesDir().resolve(id)).doesNotExist();
            Process losetup = new ProcessBuilder("losetup", "-j", host.config.sandboxesDir().resolve(id).resolve("disk.img")
                    .toString()).redirectErrorStream(true).start();
            assertThat(new String(losetup.getInputStream().readAllBytes())).as("losetup -j of " + id).isEmpty();
            assertThat(losetup.waitFor()).isZero();
        }
        assertThat(Files.list(host.config.runtimeRoot())).isEmpty();
    }
}
