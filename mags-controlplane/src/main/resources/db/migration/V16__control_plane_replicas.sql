-- A cluster's control-plane replicas: each one's heartbeat (epoch milliseconds), so that the leader can tell a
-- stopped replica and take over its jobs. Single-node servers leave it empty.
CREATE TABLE control_planes (
    id           VARCHAR(64) PRIMARY KEY,
    started_at   BIGINT      NOT NULL,
    last_seen_at BIGINT      NOT NULL
);

-- The replica that runs a job (its script's output and end are recorded by that replica); null on a single node.
ALTER TABLE jobs ADD COLUMN runner VARCHAR(64);
CREATE INDEX jobs_by_runner ON jobs (runner, status);
