-- Local workspaces: a job may name one; names are per user. agent_key names the workspace's disk on
-- the agent. Timestamps are epoch milliseconds.
ALTER TABLE jobs ADD COLUMN workspace_id VARCHAR(64);
CREATE INDEX jobs_by_workspace ON jobs (user_id, workspace_id, status);

CREATE TABLE workspaces (
    user_id       VARCHAR(64)  NOT NULL REFERENCES users(id),
    name          VARCHAR(64)  NOT NULL,
    agent_key     VARCHAR(128) NOT NULL UNIQUE,
    created_at    BIGINT       NOT NULL,
    last_used_at  BIGINT       NOT NULL,
    PRIMARY KEY (user_id, name)
);
