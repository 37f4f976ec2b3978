package dev.mags.protocol.v2;

/** What network a sandbox gets. Either way it has its own network namespace. */
public enum NetworkMode {
    /** Loopback only. */
    NONE,
    /** Outbound connections through user-mode NAT; the host and other sandboxes stay unreachable. */
    OUTBOUND
}
