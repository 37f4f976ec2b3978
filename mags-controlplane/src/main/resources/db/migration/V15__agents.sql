-- The agents of a cluster (magsd agent), as their heartbeats say (AgentRegistry): where each one's AgentServer
-- listens, whether it is live or was declared lost (silent too long; it must stop everything before it is used
-- again), when its process started (a new value means it restarted and reaped its sandboxes), its room, and the
-- workspace disks it keeps (their keys, comma-separated: a key has no comma). Epoch milliseconds.
CREATE TABLE agents (
    id                 VARCHAR(255)  PRIMARY KEY,
    url                VARCHAR(2048) NOT NULL,
    state              VARCHAR(16)   NOT NULL,
    started_at         BIGINT        NOT NULL,
    registered_at      BIGINT        NOT NULL,
    last_seen_at       BIGINT        NOT NULL,
    slots_total        INTEGER       NOT NULL,
    slots_used         INTEGER       NOT NULL,
    memory_total_bytes BIGINT        NOT NULL,
    memory_free_bytes  BIGINT        NOT NULL,
    workspaces         TEXT          NOT NULL
);
