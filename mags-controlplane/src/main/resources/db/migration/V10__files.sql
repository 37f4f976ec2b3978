-- Files users uploaded (POST /api/v1/mags-files) for jobs to find under /root/. The bytes are in the bucket
-- (files/<user id>/<file id>/<part>); a row is written only once every part is stored, so a file without a
-- row is an upload that never finished and is never used. Epoch milliseconds.
CREATE TABLE files (
    id           VARCHAR(64)  PRIMARY KEY,
    user_id      VARCHAR(64)  NOT NULL REFERENCES users(id),
    name         VARCHAR(255) NOT NULL,
    size_bytes   BIGINT       NOT NULL,
    sha256       VARCHAR(64)  NOT NULL,
    parts        INTEGER      NOT NULL,
    created_at   BIGINT       NOT NULL,
    last_used_at BIGINT       NOT NULL
);
CREATE INDEX files_by_user ON files (user_id, created_at);
CREATE INDEX files_by_use ON files (last_used_at);
