package dev.mags.wire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxInfo;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.SandboxState;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An agent runs at most its slots' worth of sandboxes, counting those being created, whoever asks. */
class SlotLimitedAgentTest {
    @Test
    void aCreateBeyondTheSlotsIsRefusedAsCapacityUntilASandboxHasEnded() {
        Host host = new Host();
        SlotLimitedAgent agent = new SlotLimitedAgent(host.agent(), 2);
        agent.create(spec("a"));
        agent.create(spec("b"));

        assertThatThrownBy(() -> agent.create(spec("c")))
                .isInstanceOf(AgentException.class)
                .satisfies(e -> assertThat(((AgentException) e).code()).isEqualTo(AgentErrorCode.CAPACITY))
                .hasMessageContaining("runs 2 sandboxes").hasMessageContaining("limit of 2 (--max-sandboxes)");
        assertThat(host.created).containsExactly("a", "b");

        host.running.removeIf(id -> id.equals("a")); // a sandbox ended
        agent.create(spec("c"));
        assertThat(host.created).containsExactly("a", "b", "c");
    }

    @Test
    void sandboxesBeingCreatedTakeTheirSlotsAlready() throws Exception {
        Host host = new Host();
        host.holdCreates = new CountDownLatch(1);
        SlotLimitedAgent agent = new SlotLimitedAgent(host.agent(), 1);
        CompletableFuture<Sandbox> first = CompletableFuture.supplyAsync(() -> agent.create(spec("slow")));
        assertThat(host.entered.await(10, TimeUnit.SECONDS)).isTrue();

        // the first is not running yet, but its slot is taken
        assertThatThrownBy(() -> agent.create(spec("second"))).isInstanceOf(AgentException.class)
                .hasMessageContaining("starts 1 more");
        host.holdCreates.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertThat(host.created).containsExactly("slow");
    }

    @Test
    void aFailedCreateGivesItsSlotBack() {
        Host host = new Host();
        host.failCreates = true;
        SlotLimitedAgent agent = new SlotLimitedAgent(host.agent(), 1);
        assertThatThrownBy(() -> agent.create(spec("x"))).hasMessageContaining("image missing");
        host.failCreates = false;
        agent.create(spec("y"));
        assertThat(host.created).containsExactly("y");
    }

    private static SandboxSpec spec(String id) {
        return new SandboxSpec(SandboxId.of(id), "busybox", SandboxLimits.DEFAULT, NetworkMode.OUTBOUND, null, null,
                Map.of());
    }

    /**
     * A host whose agent lists the sandboxes it created and not yet removed; only {@code create} and
     * {@code sandboxes} are answered (the limit looks at nothing else).
     */
    private static final class Host {
        final List<String> created = new CopyOnWriteArrayList<>();
        final List<String> running = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch holdCreates;
        volatile boolean failCreates;

        Agent agent() {
            return (Agent) Proxy.newProxyInstance(Agent.class.getClassLoader(), new Class<?>[] {Agent.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "create" -> create((SandboxSpec) args[0]);
                        case "sandboxes" -> running.stream().map(id -> new SandboxInfo(SandboxId.of(id),
                                SandboxState.RUNNING, null, SandboxLimits.DEFAULT, Instant.EPOCH, 0)).toList();
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        private Sandbox create(SandboxSpec spec) throws InterruptedException {
            entered.countDown();
            if (holdCreates != null) {
                holdCreates.await(10, TimeUnit.SECONDS);
            }
            if (failCreates) {
                throw new AgentException(AgentErrorCode.IMAGE_MISSING, "image missing");
            }
            created.add(spec.id().value());
            running.add(spec.id().value());
            return null; // the limit passes the sandbox on and never looks at it
        }
    }
}
