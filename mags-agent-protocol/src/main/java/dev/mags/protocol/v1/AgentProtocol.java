package dev.mags.protocol.v1;

/** Identity of this contract version. */
public final class AgentProtocol {
    public static final int VERSION = 1;

    private AgentProtocol() {}
}
