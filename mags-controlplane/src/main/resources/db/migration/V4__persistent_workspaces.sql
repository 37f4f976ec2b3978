-- Persistent workspaces (synced to storage) and base workspaces. A job records what it asked for; a
-- workspace records whether it is stored and which base snapshot it was forked from (pinned, so a fork
-- keeps seeing the base it was made from).
ALTER TABLE jobs ADD COLUMN persistent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE jobs ADD COLUMN no_sync BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE jobs ADD COLUMN base_workspace_id VARCHAR(64);
ALTER TABLE jobs ADD COLUMN base_snapshot VARCHAR(64);
ALTER TABLE workspaces ADD COLUMN persistent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE workspaces ADD COLUMN base_workspace_id VARCHAR(64);
ALTER TABLE workspaces ADD COLUMN base_snapshot VARCHAR(64);
ALTER TABLE workspaces ADD COLUMN disk_bytes BIGINT;
