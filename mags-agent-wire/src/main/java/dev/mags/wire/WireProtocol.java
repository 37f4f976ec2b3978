package dev.mags.wire;

/** Names both ends of the wire agree on. The version is in every path: a v3 agent serves {@code /agent/v3}. */
public final class WireProtocol {
    public static final String PREFIX = "/agent/v2";
    /** Where agents send their {@link Heartbeat}s, on the control plane's API listener. */
    public static final String HEARTBEAT_PATH = "/internal/v2/agents/heartbeat";
    /** The {@code Upgrade} token of an exec connection (frames, see {@link Frames}). */
    public static final String EXEC_UPGRADE = "mags-exec-v2";
    /**
     * A header of an exec upgrade, {@code 1} both ways: the client asks that the connection be kept for the next
     * exec in the same sandbox, and the agent's 101 says it will (after an exit it waits for the next spec).
     */
    public static final String EXEC_KEEP = "Mags-Exec-Keep";
    /** The {@code Upgrade} token of a connection to a sandbox's port (raw bytes both ways). */
    public static final String PORT_UPGRADE = "mags-port-v2";
    /** The header a read of an open file carries at the end of the file. */
    public static final String END_OF_FILE = "Mags-End-Of-File";
    /** Headers of a request for a sandbox's port through its agent's gateway ({@code PortGateway}). */
    public static final String GATEWAY_SANDBOX = "Mags-Gateway-Sandbox";
    public static final String GATEWAY_PORT = "Mags-Gateway-Port";
    public static final String GATEWAY_SECRET = "Mags-Gateway-Secret";
    /** How long the gateway retries a port nothing listens on yet (milliseconds; the control plane's start wait). */
    public static final String GATEWAY_WAIT = "Mags-Gateway-Wait";
    /** How long the agent holds a request for a sandbox's end before it answers "not yet" (204). */
    public static final long ENDED_WAIT_MILLIS = 20_000;

    private WireProtocol() {}
}
