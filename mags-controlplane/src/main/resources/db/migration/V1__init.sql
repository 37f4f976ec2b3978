-- Users, their API tokens (stored as SHA-256 hashes), jobs and job output.
-- Timestamps are epoch milliseconds so that SQLite and PostgreSQL read them alike.
CREATE TABLE users (
    id          VARCHAR(64)  PRIMARY KEY,
    name        VARCHAR(128) NOT NULL UNIQUE,
    admin       BOOLEAN      NOT NULL,
    created_at  BIGINT       NOT NULL
);

CREATE TABLE api_tokens (
    id          VARCHAR(64)  PRIMARY KEY,
    user_id     VARCHAR(64)  NOT NULL REFERENCES users(id),
    token_hash  VARCHAR(64)  NOT NULL UNIQUE,
    prefix      VARCHAR(32)  NOT NULL,
    created_at  BIGINT       NOT NULL
);

CREATE TABLE jobs (
    id              VARCHAR(64)  PRIMARY KEY,
    user_id         VARCHAR(64)  NOT NULL REFERENCES users(id),
    name            VARCHAR(256),
    script          TEXT         NOT NULL,
    type            VARCHAR(32)  NOT NULL,
    image           VARCHAR(128) NOT NULL,
    environment     TEXT         NOT NULL,
    timeout_seconds INTEGER,
    status          VARCHAR(16)  NOT NULL,
    exit_code       INTEGER,
    error_message   TEXT,
    created_at      BIGINT       NOT NULL,
    started_at      BIGINT,
    finished_at     BIGINT
);
CREATE INDEX jobs_by_user ON jobs (user_id, created_at);
CREATE INDEX jobs_by_status ON jobs (status);

CREATE TABLE job_logs (
    job_id   VARCHAR(64) NOT NULL REFERENCES jobs(id),
    seq      BIGINT      NOT NULL,
    ts       BIGINT      NOT NULL,
    source   VARCHAR(8)  NOT NULL,
    message  TEXT        NOT NULL,
    PRIMARY KEY (job_id, seq)
);
