package dev.mags.controlplane.job;

import dev.mags.controlplane.placement.AgentDirectory;
import java.util.Optional;

/**
 * Whether jobs of a base image can start, and if not, what to do about it: on one server the image is built with
 * {@code bin/magsd image build}; in a cluster with no agent up, no image helps, an agent does.
 */
public final class ImageCheck {
    private final AgentDirectory agents;

    public ImageCheck(AgentDirectory agents) {
        this.agents = agents;
    }

    /** Why no sandbox of {@code image} can start now, or empty when one can. */
    public Optional<Problem> problem(String image) {
        if (agents.shared() && agents.agents().isEmpty()) {
            return Optional.of(new Problem("no_agent", "no agent is connected to this control plane, so no sandbox "
                    + "can start; run one on each sandbox host: magsd agent --control-plane URL"));
        }
        if (agents.image(image).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new Problem("image_missing", "base image '" + image + "' is not built "
                + (agents.shared() ? "on any agent that is up; build it on each agent host" : "on this server")
                + "; build it with: bin/magsd image build " + image));
    }

    /** A code for the JSON error and a message naming what to do. */
    public record Problem(String code, String message) {}
}
