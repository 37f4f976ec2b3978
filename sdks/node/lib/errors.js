'use strict';

/**
 * Every failure of the SDK. `code` and `message` are the server's (its answers are
 * `{"error": {"code", "message"}}`), `status` the HTTP status. Failures on this side have codes of
 * their own and no status: `connection_failed` (the message names the URL), `missing_token`,
 * `timeout`, `invalid_response`, `ssh_failed`.
 */
class MagsError extends Error {
  constructor(code, message, { status = null, url = null } = {}) {
    super(message);
    this.name = 'MagsError';
    this.code = code;
    this.status = status;
    this.url = url;
  }
}

module.exports = { MagsError };
