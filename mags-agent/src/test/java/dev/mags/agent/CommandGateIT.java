package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.WorkspaceKey;
import dev.mags.protocol.v2.WorkspaceMount;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gate of a launch on real runc: called once, when the sandbox is ready and before its command starts;
 * a gate that throws keeps the command from ever running (fresh, pooled and kept sandboxes alike) and leaves
 * nothing behind. Needs root.
 */
class CommandGateIT {
    private static final int POOL_SIZE = 1;
    @RegisterExtension
    static final PooledAgent POOLED = new PooledAgent(POOL_SIZE);

    private static JobSpec spec(String script) {
        return JobSpec.shell(ItHost.uniqueId("gate"), "busybox", script, Map.of(), null);
    }

    private static RecordingListener run(JobSpec spec) throws Exception {
        RecordingListener out = new RecordingListener();
        ExecExit exit = Job.launch(POOLED.agent(), spec, out, CommandGate.OPEN).exit().get(60, TimeUnit.SECONDS);
        assertThat(exit).as("stderr %s", out.stderr()).isEqualTo(ExecExit.exited(0));
        return out;
    }

    @Test
    void theGateIsCalledOnceAndTheCommandStartsOnlyAfterIt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Instant> gateLeft = new AtomicReference<>();
        RecordingListener out = new RecordingListener();
        ExecExit exit = Job.launch(POOLED.agent(), spec("echo started"), out, () -> {
            calls.incrementAndGet();
            sleep(500); // a command started before the gate would have printed well before it returns
            gateLeft.set(Instant.now());
        }).exit().get(60, TimeUnit.SECONDS);

        assertThat(exit).isEqualTo(ExecExit.exited(0));
        assertThat(calls).hasValue(1);
        assertThat(out.lines()).singleElement().satisfies(line -> {
            assertThat(line.text()).isEqualTo("started");
            assertThat(line.timestamp()).isAfterOrEqualTo(gateLeft.get());
        });
    }

    @Test
    void aGateThatThrowsKeepsTheCommandOfAPooledSandboxFromRunning() {
        IllegalStateException refused = new IllegalStateException("not recorded");
        RecordingListener out = new RecordingListener();
        assertThatThrownBy(() -> Job.launch(POOLED.agent(), spec("echo ran"), out, () -> {
            throw refused;
        })).isSameAs(refused);
        assertThat(out.lines()).isEmpty();
    }

    @Test
    void aGateThatThrowsKeepsTheCommandFromTouchingTheWorkspace() throws Exception {
        WorkspaceMount fresh = new WorkspaceMount(WorkspaceKey.of(ItHost.uniqueId("gate-ws")), null);
        assertThatThrownBy(() -> Job.launch(POOLED.agent(), spec("echo ran > /root/ran").withWorkspace(fresh), new RecordingListener(),
                () -> {
                    throw new IllegalStateException("not recorded");
                })).hasMessage("not recorded");
        assertThat(run(spec("test -e /root/ran && echo ran || echo never").withWorkspace(fresh)).stdout())
                .containsExactly("never");
        POOLED.agent().deleteWorkspace(fresh.key());

        // A later process in a sandbox that stays (a runc exec, not the standby) is gated the same way.
        WorkspaceMount kept = new WorkspaceMount(WorkspaceKey.of(ItHost.uniqueId("gate-kept")), null);
        Sandbox sandbox = POOLED.agent().create(spec("true").withWorkspace(kept).sandbox());
        RecordingListener first = new RecordingListener();
        assertThat(sandbox.exec(ExecSpec.shell("echo first > /root/first", Map.of(), null), first, CommandGate.OPEN)
                .exit().get(60, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        assertThatThrownBy(() -> sandbox.exec(ExecSpec.shell("echo ran > /root/ran", Map.of(), null),
                new RecordingListener(), () -> {
                    throw new IllegalStateException("not recorded");
                })).hasMessage("not recorded");
        RecordingListener after = new RecordingListener();
        sandbox.exec(ExecSpec.shell("cat /root/first; test -e /root/ran && echo ran || echo never", Map.of(), null), after,
                CommandGate.OPEN).exit().get(60, TimeUnit.SECONDS);
        assertThat(after.stdout()).containsExactly("first", "never");
        sandbox.stop(Duration.ZERO, true).get(60, TimeUnit.SECONDS);
        POOLED.agent().deleteWorkspace(kept.key());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
