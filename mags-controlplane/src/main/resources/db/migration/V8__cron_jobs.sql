-- Cron jobs: a script a user's jobs run on a schedule. Each run is an ordinary row in jobs named after the
-- cron job (last_request_id); deleting a cron job leaves those. next_run_at is NULL while disabled; a
-- scheduler claims a due run by moving next_run_at on only if it still holds the value it read, so that two
-- servers on one database cannot both fire it. environment is a JSON object. Times: epoch milliseconds.
CREATE TABLE cron_jobs (
    id              VARCHAR(64)  PRIMARY KEY,
    user_id         VARCHAR(64)  NOT NULL REFERENCES users(id),
    name            VARCHAR(256) NOT NULL,
    cron_expression VARCHAR(256) NOT NULL,
    timezone        VARCHAR(64)  NOT NULL,
    script          TEXT         NOT NULL,
    workspace_id    VARCHAR(64),
    environment     TEXT         NOT NULL,
    persistent      BOOLEAN      NOT NULL,
    enabled         BOOLEAN      NOT NULL,
    created_at      BIGINT       NOT NULL,
    next_run_at     BIGINT,
    last_run_at     BIGINT,
    last_status     VARCHAR(32),
    last_request_id VARCHAR(64),
    last_error      TEXT,
    skipped_runs    BIGINT       NOT NULL DEFAULT 0,
    UNIQUE (user_id, name)
);
CREATE INDEX cron_jobs_due ON cron_jobs (next_run_at);
