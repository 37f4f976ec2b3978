package dev.mags.protocol.v2;

/** Typed reasons an agent refuses or fails an operation. Peers match on these, never on messages. */
public enum AgentErrorCode {
    /** The requested base image is not built on this host. */
    IMAGE_MISSING,
    /** The spec is malformed (bad id, bad environment, duplicate id). */
    INVALID_SPEC,
    /** Preparing the root filesystem failed (mount, disk). */
    ROOTFS_FAILED,
    /** The OCI runtime refused or failed to start the container. */
    RUNTIME_FAILED,
    /** The agent is shutting down and takes no new sandboxes. */
    SHUTTING_DOWN,
    /** The host has no room for another sandbox. */
    CAPACITY,
    /** The workspace is in use by another sandbox of this agent. */
    WORKSPACE_BUSY,
    /** Workspace storage (S3) is unreachable or refused the request; nothing was reported done that is not. */
    STORAGE_FAILED,
    /** The workspace, snapshot or sandbox named does not exist (on this agent, or in storage), or has ended. */
    NOT_FOUND,
    /** The sandbox is frozen and takes no exec until it is thawed. */
    FROZEN,
    /**
     * A remote agent could not be reached or did not answer (its host is down, or the network between); whether the
     * call took effect there is unknown.
     */
    UNREACHABLE
}
