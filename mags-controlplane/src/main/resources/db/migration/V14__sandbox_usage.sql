-- What each sandbox used, recorded when it ends (usage summaries, GET /api/v1/mags-usage): the job it was made
-- for, its life, its memory limit, and what its cgroups counted. Epoch milliseconds; CPU in microseconds.
CREATE TABLE sandbox_usage (
    id                 VARCHAR(64)  PRIMARY KEY,
    user_id            VARCHAR(64)  NOT NULL,
    job_id             VARCHAR(64)  NOT NULL,
    started_at         BIGINT       NOT NULL,
    ended_at           BIGINT       NOT NULL,
    cpu_micros         BIGINT       NOT NULL,
    memory_peak_bytes  BIGINT       NOT NULL,
    memory_limit_bytes BIGINT       NOT NULL
);
CREATE INDEX sandbox_usage_by_user ON sandbox_usage (user_id, ended_at);
