package dev.mags.agent;

import dev.mags.agent.sandbox.SandboxShape;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Run in a child JVM by {@link ReconcileIT}: an agent with a warm pool of one starts a sandbox that
 * sleeps (on a pool member), waits until the pool has refilled, says so, and waits to be killed,
 * like an agent that crashes with a sandbox running and one in its pool.
 *
 * <p>Arguments: dataDir imagesDir cgroupParent sandboxId.
 */
public final class CrashingAgentMain {
    private CrashingAgentMain() {}

    public static void main(String[] args) throws Exception {
        AgentConfig config = AgentConfig.defaults(Path.of(args[0]), Path.of(args[1])).withCgroupParent(args[2])
                .withWarmPool(WarmPoolConfig.of("busybox", 1));
        LocalAgent agent = new LocalAgent(config);
        SandboxShape shape = new SandboxShape("busybox", SandboxLimits.DEFAULT, NetworkMode.NONE);
        awaitPool(agent, shape);
        Job.launch(agent, JobSpec.shell(args[3], "busybox", "echo started; sleep 1000", Map.of(), null),
                (stream, data, offset, length) -> System.out.print(stream + " "
                        + new String(data, offset, length, java.nio.charset.StandardCharsets.UTF_8)));
        awaitPool(agent, shape);
        System.out.println("launched");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void awaitPool(LocalAgent agent, SandboxShape shape) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (agent.warmPool().ready(shape) < 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
