package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.protocol.v2.ExecExit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sandboxes one after another must not accumulate anything on the host. */
class ManySandboxesIT {
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

    @Test
    void fiftySandboxesInARowLeaveNothingBehind() throws Exception {
        LocalAgent agent = host.agent();
        long started = System.nanoTime();
        long launchNanos = 0;
        for (int i = 0; i < 50; i++) {
            RecordingListener output = new RecordingListener();
            long before = System.nanoTime();
            var sandbox = Job.launch(agent, JobSpec.shell(ItHost.uniqueId("many" + i), "busybox", "echo " + i, Map.of(), null), output);
            launchNanos += System.nanoTime() - before;
            ExecExit exit = sandbox.exit().get(30, TimeUnit.SECONDS);

            assertThat(exit).isEqualTo(ExecExit.exited(0));
            assertThat(output.stdout()).containsExactly(String.valueOf(i));
        }
        long totalMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("50 busybox sandboxes: %d ms in total, %.1f ms each, launch() %.1f ms each%n",
                totalMillis, totalMillis / 50.0, launchNanos / 50 / 1e6);

        assertThat(HostLeaks.scan(host.config)).isEmpty();
    }

    @Test
    void tenSandboxesAtOnceKeepTheirOutputApart() throws Exception {
        LocalAgent agent = host.agent();
        List<RecordingListener> outputs = new ArrayList<>();
        List<Job> sandboxes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RecordingListener output = new RecordingListener();
            outputs.add(output);
            sandboxes.add(Job.launch(agent, JobSpec.shell(ItHost.uniqueId("parallel" + i), "busybox",
                    "for n in 1 2 3; do echo " + i + "-$n; sleep 0.1; done; exit " + i, Map.of(), null), output));
        }
        for (int i = 0; i < 10; i++) {
            assertThat(sandboxes.get(i).exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(i));
            assertThat(outputs.get(i).stdout()).containsExactly(i + "-1", i + "-2", i + "-3");
        }
        assertThat(HostLeaks.scan(host.config)).isEmpty();
    }
}
