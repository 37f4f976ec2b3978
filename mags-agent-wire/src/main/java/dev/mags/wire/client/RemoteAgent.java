package dev.mags.wire.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.BaseCopy;
import dev.mags.protocol.v2.HostUsage;
import dev.mags.protocol.v2.ImageInfo;
import dev.mags.protocol.v2.ReconcileReport;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxInfo;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.SandboxState;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.SyncProgress;
import dev.mags.protocol.v2.SyncResult;
import dev.mags.protocol.v2.WorkspaceInfo;
import dev.mags.protocol.v2.WorkspaceKey;
import dev.mags.wire.Requests;
import dev.mags.wire.WireJson;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * The control plane's client of an agent on another host (or in another process), speaking the contract's wire
 * form to its {@code AgentServer}. One object per sandbox id, so that every caller shares its end.
 *
 * <p>Unlike an agent in the process, {@link #close()} releases only this client: the agent and its sandboxes go on
 * (other control-plane replicas may be using them).
 */
public final class RemoteAgent implements Agent {
    private final AgentClient client;
    private final Map<SandboxId, RemoteSandbox> sandboxes = new ConcurrentHashMap<>();

    public RemoteAgent(URI agent, String secret) {
        this(agent, secret, null);
    }

    /**
     * @param tls what an {@code https} agent's certificate is checked against (see {@code PemTls.trusting}); null
     *            for the JDK's trusted CAs
     */
    public RemoteAgent(URI agent, String secret, SSLContext tls) {
        this.client = new AgentClient(agent, secret, tls, WireJson.mapper());
    }

    public URI uri() {
        return client.base();
    }

    @Override
    public List<ImageInfo> images() {
        return client.call("GET", "/images", null, listOf(ImageInfo.class));
    }

    @Override
    public Sandbox create(SandboxSpec spec) {
        SandboxInfo info = client.call("POST", "/sandboxes", spec, SandboxInfo.class);
        return sandboxes.computeIfAbsent(info.id(), id -> new RemoteSandbox(client, id));
    }

    @Override
    public Optional<Sandbox> sandbox(SandboxId id) {
        RemoteSandbox sandbox = sandboxes.computeIfAbsent(id, i -> new RemoteSandbox(client, i));
        if (sandbox.state() == SandboxState.ENDED) {
            sandboxes.remove(id);
            return Optional.empty();
        }
        return Optional.of(sandbox);
    }

    @Override
    public List<SandboxInfo> sandboxes() {
        return client.call("GET", "/sandboxes", null, listOf(SandboxInfo.class));
    }

    @Override
    public ReconcileReport reconcile(Set<SandboxId> keep) {
        return client.call("POST", "/reconcile", new Requests.Reconcile(List.copyOf(keep)), ReconcileReport.class);
    }

    @Override
    public List<WorkspaceInfo> workspaces() {
        return client.call("GET", "/workspaces", null, listOf(WorkspaceInfo.class));
    }

    @Override
    public void deleteWorkspace(WorkspaceKey key) {
        client.call("DELETE", "/workspaces/" + key.value(), null, Void.class);
    }

    @Override
    public SyncResult syncWorkspace(WorkspaceKey key, StoredWorkspace stored) {
        return client.call("POST", "/workspaces/" + key.value() + "/sync", stored, SyncResult.class);
    }

    @Override
    public Optional<SyncProgress> syncProgress(WorkspaceKey key) {
        return Optional.ofNullable(client.call("GET", "/workspaces/" + key.value() + "/sync", null, SyncProgress.class));
    }

    @Override
    public void resizeWorkspace(WorkspaceKey key, long diskBytes) {
        client.call("POST", "/workspaces/" + key.value() + "/resize", new Requests.Resize(diskBytes), Void.class);
    }

    @Override
    public HostUsage usage() {
        return client.call("GET", "/usage", null, HostUsage.class);
    }

    @Override
    public List<BaseCopy> baseCopies() {
        return client.call("GET", "/base-copies", null, listOf(BaseCopy.class));
    }

    /** The agent is gone for good (declared lost): every sandbox this client knows ends now, with {@code why}. */
    public void lost(String why) {
        sandboxes.values().forEach(s -> s.lost(why));
        sandboxes.clear();
    }

    @Override
    public void close() {
        client.close();
    }

    private JavaType listOf(Class<?> element) {
        ObjectMapper json = client.json();
        return json.getTypeFactory().constructCollectionType(List.class, element);
    }

    @Override
    public String toString() {
        return "agent at " + client.base();
    }
}
