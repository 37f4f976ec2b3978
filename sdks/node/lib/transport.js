'use strict';

// JSON over HTTP with Node's fetch: the one place that talks to the server.
const { MagsError } = require('./errors');

class Transport {
  constructor(apiUrl, apiToken, timeoutMs) {
    this.apiUrl = apiUrl.replace(/\/+$/, '');
    this.token = apiToken;
    this.timeoutMs = timeoutMs;
  }

  async request(method, path, { body, query, timeoutMs } = {}) {
    const headers = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
    let payload;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    return this.send(method, path, payload, headers, query, timeoutMs);
  }

  /** POSTs one file as multipart/form-data. */
  async upload(path, field, filename, content) {
    const form = new FormData();
    form.append(field, new Blob([content]), filename);
    const headers = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
    return this.send('POST', path, form, headers, undefined, undefined);
  }

  async send(method, path, body, headers, query, timeoutMs) {
    let url = `${this.apiUrl}/api/v1${path}`;
    if (query) {
      const defined = Object.entries(query).filter(([, v]) => v !== undefined && v !== null);
      if (defined.length) url += `?${new URLSearchParams(defined.map(([k, v]) => [k, String(v)]))}`;
    }
    const limit = timeoutMs || this.timeoutMs;
    let res;
    let raw;
    try {
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(limit) });
      raw = await res.text();
    } catch (e) {
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new MagsError('timeout', `${method} ${url}: no answer within ${limit} ms`, { url });
      }
      const cause = e.cause ? e.cause.code || e.cause.message : e.message;
      throw new MagsError('connection_failed',
        `could not reach ${url}: ${cause}; is the server running, and does MAGS_API_URL name it?`, { url });
    }
    if (!res.ok) {
      const [code, message] = errorOf(res.status, raw);
      throw new MagsError(code, message, { status: res.status, url });
    }
    if (!raw) return {};
    try {
      return JSON.parse(raw);
    } catch {
      throw new MagsError('invalid_response', `${url} answered something that is not JSON: ${raw.slice(0, 200)}`, { url });
    }
  }
}

/** The server's code and message, or a code made of the status when the body is not the server's. */
function errorOf(status, raw) {
  try {
    const { error } = JSON.parse(raw);
    if (error && typeof error.code === 'string') return [error.code, String(error.message)];
  } catch {
    // not JSON: below
  }
  const text = (raw || '').trim().slice(0, 200);
  return [`http_${status}`, text || `HTTP ${status}`];
}

module.exports = { Transport };
