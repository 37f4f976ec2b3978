package dev.mags.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.HostLeaks;
import dev.mags.agent.ItHost;
import dev.mags.agent.RecordingListener;
import dev.mags.agent.workspace.WorkspaceBackup;
import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.WorkspaceMount;
import dev.mags.storage.StorageSettings;
import dev.mags.storage.WorkspaceStorage;
import dev.mags.storage.object.InMemoryObjectStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What every implementation of the agent contract v2 ({@link Agent}) must do, as its user sees it: the suites
 * ({@link LifecycleContract}, {@link ExecContract}, {@link FilesContract}, {@link WorkspaceContract}) extend this
 * class and use only the {@link Agent} that {@link #openAgent} returns. A subclass provides that agent: the
 * in-process one, or a client of one served over the network. The host under it is real (runc, overlayfs, the
 * busybox image; needs root); after each test nothing of a sandbox may be left on it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AgentContract {
    protected static final Duration WAIT = Duration.ofSeconds(60);

    protected ItHost host;
    protected Agent agent;
    private WorkspaceStorage storage;
    private WorkspaceBackup backup;
    /** The sandboxes this test created, stopped after it whatever happened. */
    private final List<Sandbox> created = new ArrayList<>();

    /**
     * The agent under test, on {@code host}; called once per class. Its workspace storage, if it has one, is
     * {@link #backup()}. What it opens is closed by {@link #closeAgent()}; the host closes its own agents.
     */
    protected abstract Agent openAgent(ItHost host) throws Exception;

    /** Called after all tests of the class, before the host is removed. */
    protected void closeAgent() throws Exception {}

    @BeforeAll
    final void openHost() throws Exception {
        host = ItHost.create();
        storage = new WorkspaceStorage(new InMemoryObjectStore(), StorageSettings.defaults(host.base.resolve("storage-state")));
        // No periodic sync: each sync in these tests is one a test asks for.
        backup = new WorkspaceBackup(storage, host.base.resolve("bases"), Duration.ofHours(1));
        agent = openAgent(host);
    }

    @AfterAll
    final void closeHost() throws Exception {
        try {
            closeAgent();
        } finally {
            if (host != null) {
                host.close();
            }
        }
    }

    @AfterEach
    final void nothingLeftBehind() throws Exception {
        stopSandboxes();
        assertThat(agent.sandboxes()).as("sandboxes still on the agent").isEmpty();
        assertThat(HostLeaks.scan(host.config)).as("left on the host").isEmpty();
    }

    /** Stops the sandboxes this test created that still run (a suite's own clean-up may need them gone first). */
    protected final void stopSandboxes() throws Exception {
        for (Sandbox sandbox : created) {
            sandbox.stop(Duration.ZERO, false).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        created.clear();
    }

    /** Workspace storage (in memory) for an agent that syncs workspaces. */
    protected final WorkspaceBackup backup() {
        return backup;
    }

    /** The storage behind {@link #backup()}, to look at what a sync committed. */
    protected final WorkspaceStorage storage() {
        return storage;
    }

    protected static SandboxSpec spec(String name, WorkspaceMount workspace) {
        return new SandboxSpec(SandboxId.of(ItHost.uniqueId(name)), "busybox", SandboxLimits.DEFAULT, NetworkMode.NONE,
                workspace, null, Map.of("FROM_SANDBOX", "s"));
    }

    /** Creates a sandbox that is stopped after the test if it still runs. */
    protected final Sandbox create(SandboxSpec spec) {
        Sandbox sandbox = agent.create(spec);
        created.add(sandbox);
        return sandbox;
    }

    protected final Sandbox create(String name) {
        return create(spec(name, null));
    }

    /** Runs {@code script} with {@code sh -c} and returns its output; it must exit with {@code expectedExit}. */
    protected static RecordingListener sh(Sandbox sandbox, String script, int expectedExit) throws Exception {
        RecordingListener out = new RecordingListener();
        ExecExit exit = sandbox.exec(ExecSpec.shell(script, Map.of(), null), out, CommandGate.OPEN).exit()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(exit).as("exit of %s; output %s", script, out.text()).isEqualTo(ExecExit.exited(expectedExit));
        return out;
    }

    protected static List<String> sh(Sandbox sandbox, String script) throws Exception {
        return sh(sandbox, script, 0).stdout();
    }
}
