-- Self-service tokens: a name the user chose and when the token was last used (written at most once a
-- minute per token, so it is accurate to about a minute). Users can be disabled by an admin; a disabled
-- user's tokens are refused. Tokens made before this migration have no name.
ALTER TABLE api_tokens ADD COLUMN name VARCHAR(128);
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
