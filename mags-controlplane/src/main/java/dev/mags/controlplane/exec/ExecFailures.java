package dev.mags.controlplane.exec;

import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.ConflictException;
import dev.mags.controlplane.error.MagsException;
import dev.mags.controlplane.error.UnavailableException;
import dev.mags.protocol.v2.AgentException;

/** What an agent's refusal to start an exec means to an API caller. */
public final class ExecFailures {
    private ExecFailures() {}

    /** The start of an exec in sandbox {@code name} failed with {@code e}. */
    public static RuntimeException of(RuntimeException e, String name) {
        if (!(e instanceof AgentException a)) {
            return e;
        }
        MagsException mapped = switch (a.code()) {
            case NOT_FOUND -> new ConflictException("sandbox_ended", "sandbox '" + name + "' has ended ("
                    + a.getMessage() + "); run the command again to start it anew");
            case INVALID_SPEC -> new BadRequestException("invalid_field", a.getMessage());
            case SHUTTING_DOWN -> new UnavailableException("shutting_down", "magsd is shutting down; try again once"
                    + " it runs");
            default -> new UnavailableException("agent_failed", "cannot start the command in sandbox '" + name
                    + "': " + a.getMessage());
        };
        mapped.initCause(e);
        return mapped;
    }
}
