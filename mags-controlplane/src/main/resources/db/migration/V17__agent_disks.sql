-- What each agent's heartbeat says of its sandbox disks' file system: the free space and what its live sandboxes'
-- sparse disks may still take of it (bytes; -1: not said, by an agent that predates this or could not read it).
-- Placement keeps a new sandbox's disk off a host without room for it.
ALTER TABLE agents ADD COLUMN disk_free_bytes BIGINT NOT NULL DEFAULT -1;
ALTER TABLE agents ADD COLUMN disk_growable_bytes BIGINT NOT NULL DEFAULT -1;
