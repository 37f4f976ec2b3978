package dev.mags.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.agent.HostLeaks;
import dev.mags.agent.ItHost;
import dev.mags.agent.RecordingListener;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.HostUsage;
import dev.mags.protocol.v2.ImageInfo;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.ReconcileReport;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxInfo;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.SandboxState;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A sandbox's life through the contract: create, list, freeze and thaw, stop, an init that dies; the host's
 * reconcile with what a crashed agent left, and its usage.
 */
public abstract class LifecycleContract extends AgentContract {
    @Test
    void theAgentListsTheBusyboxImage() {
        assertThat(agent.images()).extracting(ImageInfo::name).contains("busybox");
        assertThat(agent.image("busybox")).hasValueSatisfying(i -> assertThat(i.sizeBytes()).isPositive());
        assertThat(agent.image("no-such-image")).isEmpty();
    }

    @Test
    void aCreatedSandboxRunsIsListedAndFound() throws Exception {
        SandboxSpec spec = spec("life", null);
        Sandbox sandbox = create(spec);

        assertThat(sandbox.id()).isEqualTo(spec.id());
        assertThat(sandbox.state()).isEqualTo(SandboxState.RUNNING);
        assertThat(agent.sandboxes()).filteredOn(i -> i.id().equals(spec.id())).singleElement().satisfies(i -> {
            assertThat(i.state()).isEqualTo(SandboxState.RUNNING);
            assertThat(i.limits()).isEqualTo(SandboxLimits.DEFAULT);
            assertThat(i.workspace()).isNull();
            assertThat(i.createdAt()).isNotNull();
        });
        assertThat(agent.sandbox(spec.id())).hasValueSatisfying(s -> assertThat(s.id()).isEqualTo(spec.id()));
        assertThat(agent.sandbox(SandboxId.of(ItHost.uniqueId("never")))).isEmpty();
        assertThat(sh(agent.sandbox(spec.id()).orElseThrow(), "echo $FROM_SANDBOX")).containsExactly("s");
    }

    @Test
    void anUnknownImageIsRefusedAsImageMissing() {
        SandboxSpec spec = new SandboxSpec(SandboxId.of(ItHost.uniqueId("noimage")), "no-such-image", SandboxLimits.DEFAULT,
                NetworkMode.NONE, null, null, Map.of());
        assertThatThrownBy(() -> create(spec)).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(AgentErrorCode.IMAGE_MISSING));
        assertThat(agent.sandbox(spec.id())).isEmpty();
    }

    @Test
    void aSecondSandboxWithALiveOnesIdIsRefusedAsInvalidSpec() throws Exception {
        SandboxSpec spec = spec("dup", null);
        Sandbox first = create(spec);
        assertThatThrownBy(() -> create(spec)).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(AgentErrorCode.INVALID_SPEC));
        assertThat(sh(first, "echo still")).containsExactly("still");
        assertThat(agent.sandboxes()).filteredOn(i -> i.id().equals(spec.id())).hasSize(1);
    }

    @Test
    void aFrozenSandboxTakesNoExecUntilThawed() throws Exception {
        Sandbox sandbox = create("frozen");
        sandbox.freeze();
        assertThat(sandbox.state()).isEqualTo(SandboxState.FROZEN);
        assertThat(agent.sandboxes()).filteredOn(i -> i.id().equals(sandbox.id())).extracting(SandboxInfo::state)
                .containsExactly(SandboxState.FROZEN);
        assertThatThrownBy(() -> sandbox.exec(ExecSpec.shell("touch /root/ran", Map.of(), null), new RecordingListener(),
                CommandGate.OPEN)).isInstanceOfSatisfying(AgentException.class,
                        e -> assertThat(e.code()).isEqualTo(AgentErrorCode.FROZEN));
        assertThatThrownBy(() -> sandbox.connect(8080)).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(AgentErrorCode.FROZEN));

        sandbox.thaw();
        assertThat(sandbox.state()).isEqualTo(SandboxState.RUNNING);
        assertThat(sh(sandbox, "test -e /root/ran && echo ran || echo never")).containsExactly("never");
    }

    @Test
    void aStopEndsTheSandboxAndItsRunningExec() throws Exception {
        Sandbox sandbox = create("stop");
        RecordingListener out = new RecordingListener();
        Exec exec = sandbox.exec(ExecSpec.shell("echo ready; sleep 1000", Map.of(), null), out, CommandGate.OPEN);
        Awaitility.await().atMost(WAIT).until(() -> out.stdout().contains("ready"));

        SandboxEnd end = sandbox.stop(Duration.ofSeconds(1), false).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        SandboxEnd again = sandbox.stop(Duration.ofSeconds(1), false).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(end.reason()).isEqualTo(ExitReason.STOPPED);
        assertThat(end.finalSync()).isNull();
        assertThat(again).isEqualTo(end);
        assertThat(sandbox.ended()).isCompletedWithValue(end);
        assertThat(sandbox.state()).isEqualTo(SandboxState.ENDED);
        assertThat(exec.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS).reason())
                .isIn(ExitReason.STOPPED, ExitReason.SANDBOX_ENDED);
        assertThat(agent.sandbox(sandbox.id())).isEmpty();
        assertThat(agent.sandboxes()).noneSatisfy(i -> assertThat(i.id()).isEqualTo(sandbox.id()));
        assertThatThrownBy(() -> sandbox.exec(ExecSpec.shell("true", Map.of(), null), new RecordingListener(),
                CommandGate.OPEN)).isInstanceOfSatisfying(AgentException.class,
                        e -> assertThat(e.code()).isEqualTo(AgentErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> sandbox.connect(8080)).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(AgentErrorCode.NOT_FOUND));
    }

    @Test
    void aSandboxWhoseInitDiesEndsByItself() throws Exception {
        Sandbox sandbox = create("initdies");
        RecordingListener out = new RecordingListener();
        Exec exec = sandbox.exec(ExecSpec.shell("echo ready; sleep 1000", Map.of(), null), out, CommandGate.OPEN);
        Awaitility.await().atMost(WAIT).until(() -> out.stdout().contains("ready"));

        // The init ignores what processes inside send it; what kills it is outside: an operator, the kernel.
        ProcessHandle.of(initPid(sandbox.id())).orElseThrow().destroyForcibly();

        SandboxEnd end = sandbox.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(end.reason()).isEqualTo(ExitReason.FAILED);
        assertThat(end.detail()).isNotEmpty();
        ExecExit exit = exec.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(exit.reason()).isNotEqualTo(ExitReason.EXITED);
        assertThat(sandbox.state()).isEqualTo(SandboxState.ENDED);
        assertThat(agent.sandbox(sandbox.id())).isEmpty();
    }

    @Test
    void reconcileRemovesWhatACrashedAgentLeftButWhatItKeepsAndItsOwn() throws Exception {
        Sandbox own = create("own");
        SandboxId leftover = SandboxId.of(ItHost.uniqueId("leftover"));
        String container = CrashedAgent.leaveSandboxRunning(host, leftover.value());

        ReconcileReport kept = agent.reconcile(Set.of(leftover));
        assertThat(kept.problems()).isEmpty();
        assertThat(kept.reaped()).doesNotContain(leftover, own.id());
        assertThat(HostLeaks.scan(host.config)).as("the kept sandbox's resources")
                .anySatisfy(l -> assertThat(l).contains(container));

        ReconcileReport reaped = agent.reconcile(Set.of());
        assertThat(reaped.problems()).isEmpty();
        assertThat(reaped.reaped()).contains(leftover).doesNotContain(own.id());
        CrashedAgent.killItsRuntimeProcesses(host, container);
        assertThat(sh(own, "echo own-runs")).containsExactly("own-runs");
        assertThat(agent.sandbox(own.id())).isPresent();
    }

    @Test
    void usageAndBaseCopiesAnswer() throws Exception {
        create("usage");
        HostUsage usage = agent.usage();
        assertThat(usage.diskFreeBytes()).isPositive();
        assertThat(usage.diskGrowableBytes()).as("a live sandbox's disk may still grow").isPositive();
        assertThat(usage.workspaceSandboxes()).isEmpty();
        assertThat(agent.baseCopies()).isEmpty();
    }

    /** The pid of the sandbox's init, from the OCI runtime's state on the host (set-up, not the contract). */
    private long initPid(SandboxId id) throws Exception {
        return new ObjectMapper().readTree(host.config.runtimeRoot().resolve(id.value()).resolve("state.json").toFile())
                .path("init_process_pid").asLong();
    }
}
