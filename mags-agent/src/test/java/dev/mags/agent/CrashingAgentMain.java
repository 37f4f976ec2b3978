package dev.mags.agent;

import dev.mags.protocol.v1.SandboxSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a child JVM by {@link ReconcileIT}: starts a sandbox that sleeps, says so, and waits to be
 * killed, like an agent that crashes with a sandbox running.
 *
 * <p>Arguments: dataDir imagesDir cgroupParent sandboxId.
 */
public final class CrashingAgentMain {
    private CrashingAgentMain() {}

    public static void main(String[] args) throws Exception {
        AgentConfig config = AgentConfig.defaults(Path.of(args[0]), Path.of(args[1])).withCgroupParent(args[2]);
        LocalAgent agent = new LocalAgent(config);
        agent.launch(SandboxSpec.shell(args[3], "busybox", "echo started; sleep 1000", Map.of(), null),
                (stream, ts, line) -> System.out.println(stream + " " + line));
        System.out.println("launched");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
