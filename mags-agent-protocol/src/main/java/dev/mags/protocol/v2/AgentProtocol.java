package dev.mags.protocol.v2;

/** Identity of this contract version. */
public final class AgentProtocol {
    public static final int VERSION = 2;

    private AgentProtocol() {}
}
