package dev.mags.controlplane.workspace;

import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.ConflictException;
import dev.mags.controlplane.error.MagsException;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.error.UnavailableException;
import dev.mags.protocol.v2.AgentException;

/** What an agent's failure on a workspace means to an API caller. */
public final class AgentFailures {
    private AgentFailures() {}

    public static MagsException of(AgentException e) {
        return switch (e.code()) {
            case STORAGE_FAILED -> new UnavailableException("storage_unavailable", e.getMessage());
            case WORKSPACE_BUSY -> new ConflictException("workspace_busy", e.getMessage());
            case NOT_FOUND -> new NotFoundException("workspace_not_found", e.getMessage());
            case INVALID_SPEC -> new BadRequestException("invalid_field", e.getMessage());
            default -> new UnavailableException("agent_failed", e.getMessage());
        };
    }
}
