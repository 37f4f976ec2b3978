package dev.mags.controlplane.exec;

import java.util.Optional;

/**
 * Which sandbox an exec runs in. The exec routes ask once per exec, after the caller was authenticated; the
 * control plane's lifecycle of sandboxes answers from the user's own jobs and workspaces.
 */
@FunctionalInterface
public interface ExecTargets {
    /**
     * The running sandbox that {@code idOrName} (a job's request id, a job name or a workspace name; the user's
     * newest live job of that name) names among the user's own, or empty — also when it names another user's:
     * the caller must not be able to tell the two apart. May wake a sleeping sandbox or start an ended one
     * before it answers, on the request's own thread. May throw a {@code MagsException} (a 409 for a job whose
     * sandbox cannot take commands, say), which the API answers as it answers any.
     */
    Optional<ExecTarget> resolve(String userId, String idOrName);
}
