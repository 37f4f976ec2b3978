package dev.mags.agent.sandbox;

import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;

/**
 * A command could not be started because its container's init had died (a pool member that died
 * between the pool's check and the exec, say). The job itself is not at fault: another container may
 * run it.
 */
public final class ContainerGoneException extends AgentException {
    private static final long serialVersionUID = 1L;

    ContainerGoneException(String message) {
        super(AgentErrorCode.RUNTIME_FAILED, message);
    }
}
