package dev.mags.controlplane.ssh;

import java.util.Optional;

/**
 * Which sandbox an SSH login name means. The gateway asks once per SSH channel (a shell, a command, an SFTP
 * session), after the user's key was accepted; the control plane answers from its jobs and workspaces.
 */
@FunctionalInterface
public interface SshTargets {
    /**
     * The sandbox that {@code loginName} (a job's request id, a job name or a workspace name) names among the
     * user's own, or empty — also when it names another user's: the caller must not be able to tell the two
     * apart. May wake a sleeping sandbox or start an ended one before it answers; it is called on a thread of
     * its own for shells and commands, but on the SSH transport's thread for SFTP and legacy scp, so a slow
     * answer there delays other connections' traffic.
     */
    Optional<SshTarget> resolve(String userId, String loginName);
}
