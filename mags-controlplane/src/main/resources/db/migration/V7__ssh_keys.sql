-- Users' SSH public keys: the SSH gateway maps a key to its user by the key's SHA-256 fingerprint, so a key
-- belongs to one user only. public_key is the canonical "type base64" form (no comment). Epoch milliseconds.
CREATE TABLE ssh_keys (
    id          VARCHAR(64)  PRIMARY KEY,
    user_id     VARCHAR(64)  NOT NULL REFERENCES users(id),
    name        VARCHAR(128) NOT NULL,
    public_key  TEXT         NOT NULL,
    fingerprint VARCHAR(128) NOT NULL UNIQUE,
    created_at  BIGINT       NOT NULL
);
CREATE INDEX ssh_keys_by_user ON ssh_keys (user_id, created_at);
