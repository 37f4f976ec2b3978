'use strict';

// Client of the mags REST API with the methods and options of the reference Mags Node SDK: code
// written for it runs against a mags server once MAGS_API_URL names that server.
const os = require('node:os');
const { MagsError } = require('./lib/errors');
const { Transport } = require('./lib/transport');
const { SshClient } = require('./lib/ssh');
const more = require('./lib/more');

const DEFAULT_API_URL = 'http://127.0.0.1:8080';
// Calls that wait for the server's work (a final sync of a large workspace): as the Java SDK, an hour.
const LONG_MS = 3600 * 1000;
const FINAL = ['completed', 'error'];

const seg = (s) => encodeURIComponent(String(s));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const camel = (obj) => Object.fromEntries(Object.entries(obj || {})
  .map(([k, v]) => [k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), v]));

class Mags {
  /**
   * @param {object} [options]
   * @param {string} [options.apiToken] defaults to $MAGS_API_TOKEN
   * @param {string} [options.apiUrl] defaults to $MAGS_API_URL, then http://127.0.0.1:8080
   * @param {number} [options.timeout] bound of each HTTP request in ms (default 30000)
   */
  constructor({ apiToken, apiUrl, timeout = 30000 } = {}) {
    const token = apiToken || process.env.MAGS_API_TOKEN;
    if (!token) {
      throw new MagsError('missing_token', 'API token required: pass new Mags({ apiToken }) or set MAGS_API_TOKEN '
        + '(an operator makes one with: magsd token create --user NAME)');
    }
    this._http = new Transport(apiUrl || process.env.MAGS_API_URL || DEFAULT_API_URL, token, timeout);
    this._ssh = new SshClient(os.homedir());
  }

  get apiUrl() {
    return this._http.apiUrl;
  }

  // ---- jobs

  /** Submits a job; resolves to `{ requestId, status }` at once. */
  async run(script, options = {}) {
    const payload = { script, type: 'inline', persistent: Boolean(options.persistent) };
    if (options.noSleep) payload.no_sleep = true;
    if (options.noSync) payload.no_sync = true;
    if (options.name) payload.name = options.name;
    if (options.ephemeral) payload.ephemeral = true;
    else if (options.workspaceId) payload.workspace_id = options.workspaceId;
    if (options.baseWorkspaceId) payload.base_workspace_id = options.baseWorkspaceId;
    if (options.startupCommand) payload.startup_command = options.startupCommand;
    if (options.environment) payload.environment = options.environment;
    if (options.fileIds && options.fileIds.length) payload.file_ids = options.fileIds;
    if (options.diskGb) payload.disk_gb = options.diskGb;
    const accepted = await this._http.request('POST', '/mags-jobs', { body: payload });
    return { requestId: accepted.request_id, status: accepted.status };
  }

  /**
   * Submits a job and polls until it ends: `{ requestId, status, exitCode, errorMessage, logs }`.
   * Extra options: timeout (ms, default 60000; then a MagsError 'timeout', the job keeps running),
   * pollInterval (ms, default 1000).
   */
  async runAndWait(script, options = {}) {
    const { timeout = 60000, pollInterval = 1000, ...runOptions } = options;
    const { requestId } = await this.run(script, runOptions);
    // A persistent job stays running after its script, with the script's exit code: that is its end here.
    const job = await this._wait(requestId, [...FINAL, 'sleeping'], timeout, pollInterval, true);
    return { requestId, status: job.status, exitCode: job.exit_code, errorMessage: job.error_message,
      logs: await this._allLogs(requestId) };
  }

  /**
   * Starts a sandbox on workspace `name` that stays up and waits until it runs: `{ requestId, status }`.
   * Local disk only unless `persistent: true`. Options: persistent, baseWorkspaceId, diskGb, timeout (ms).
   */
  async new(name, options = {}) {
    const { requestId } = await this.run('sleep infinity', {
      workspaceId: name, persistent: true, noSync: !options.persistent,
      baseWorkspaceId: options.baseWorkspaceId, diskGb: options.diskGb,
    });
    const job = await this._wait(requestId, ['running', ...FINAL], options.timeout || 30000, options.pollInterval || 1000);
    if (job.status !== 'running') {
      throw new MagsError('sandbox_failed', `sandbox '${name}' ended as ${job.status}: ${job.error_message || 'no reason given'}`);
    }
    return { requestId, status: 'running' };
  }

  async status(requestId) {
    return this._http.request('GET', `/mags-jobs/${seg(requestId)}/status`);
  }

  /** The job's first page of log lines: `{ request_id, status, logs: [{ seq, timestamp, source, message }] }`. */
  async logs(requestId) {
    return this._http.request('GET', `/mags-jobs/${seg(requestId)}/logs`);
  }

  /** One page of the caller's jobs, newest first: `{ jobs, page, page_size, total }`. */
  async list({ page = 1, pageSize = 20 } = {}) {
    return this._http.request('GET', '/mags-jobs', { query: { page, page_size: pageSize } });
  }

  /** The newest job with this request id, name or workspace among the last 100, a live one first; else null. */
  async findJob(nameOrId) {
    const { jobs = [] } = await this.list({ page: 1, pageSize: 100 });
    const byId = jobs.find((j) => j.request_id === nameOrId);
    if (byId) return byId;
    const named = jobs.filter((j) => j.name === nameOrId || j.workspace_id === nameOrId);
    return named.find((j) => ['running', 'sleeping', 'pending'].includes(j.status)) || named[0] || null;
  }

  async updateJob(requestId, { startupCommand, noSleep } = {}) {
    const body = {};
    if (startupCommand !== undefined) body.startup_command = startupCommand;
    if (noSleep !== undefined) body.no_sleep = noSleep;
    return this._http.request('PATCH', `/mags-jobs/${seg(requestId)}`, { body });
  }

  /** Stops a job (by request id or name) or a workspace's sandbox (by workspace name). */
  async stop(nameOrId) {
    try {
      return await this._http.request('POST', `/mags-jobs/${seg(nameOrId)}/stop`, { timeoutMs: LONG_MS });
    } catch (e) {
      const job = e.status === 404 ? await this.findJob(nameOrId) : null;
      if (!job) throw e;
      return this._http.request('POST', `/mags-jobs/${seg(job.request_id)}/stop`, { timeoutMs: LONG_MS });
    }
  }

  /** Runs `command` in a running sandbox over SSH: `{ exitCode, output, stderr }`. Option: timeout (ms, 30000). */
  async exec(nameOrId, command, { timeout = 30000 } = {}) {
    const access = await this.enableAccess(nameOrId, 22);
    const fingerprint = await this._ssh.fingerprint();
    const { ssh_keys: keys = [] } = await this._http.request('GET', '/ssh-keys');
    if (!keys.some((k) => k.fingerprint === fingerprint)) {
      await this._http.request('POST', '/ssh-keys', { body: { public_key: await this._ssh.publicKeyLine() } });
    }
    const done = await this._ssh.run(access.sshHost, access.sshPort, access.sshUser, command, timeout);
    if (done.code === 255) throw new MagsError('ssh_failed', `ssh to ${nameOrId} failed: ${done.stderr.trim()}`);
    return { exitCode: done.code, output: done.stdout, stderr: done.stderr };
  }

  /** Syncs a persistent workspace (by job or workspace name) to storage now; resolves to the snapshot. */
  async sync(requestId) {
    return this._http.request('POST', `/mags-jobs/${seg(requestId)}/sync`, { timeoutMs: LONG_MS });
  }

  /** Stops the workspace's jobs and sandbox, grows its disk to `diskGb` GB and starts a sandbox on it again. */
  async resize(workspace, diskGb, options = {}) {
    const job = await this.findJob(workspace);
    if (job && ['pending', 'running', 'sleeping'].includes(job.status)) await this.stop(workspace);
    const info = await this._http.request('POST', `/mags-workspaces/${seg(workspace)}/resize`,
      { body: { disk_gb: diskGb }, timeoutMs: LONG_MS });
    return this.new(workspace, { persistent: Boolean(info.persistent), timeout: options.timeout, pollInterval: options.pollInterval });
  }

  // ---- access

  /** Where to reach a sandbox's port; 22 answers `{ sshHost, sshPort, sshUser }`. */
  async enableAccess(requestId, port = 8080) {
    return camel(await this._http.request('POST', `/mags-jobs/${seg(requestId)}/access`, { body: { port } }));
  }

  /** Makes a sandbox's port public; the answer's `url` is the address. */
  async url(nameOrId, port = 8080) {
    return this.enableAccess(nameOrId, port);
  }

  // ---- workspaces

  async listWorkspaces() {
    return this._http.request('GET', '/mags-workspaces');
  }

  async deleteWorkspace(workspaceId) {
    return this._http.request('DELETE', `/mags-workspaces/${seg(workspaceId)}`, { timeoutMs: LONG_MS });
  }

  // ---- helpers

  async _wait(requestId, until, timeoutMs, pollMs, scriptEnd = false) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.status(requestId);
      if (until.includes(job.status)) return job;
      if (scriptEnd && job.status === 'running' && job.exit_code != null) return job;
      if (Date.now() >= deadline) {
        throw new MagsError('timeout', `job ${requestId} is still ${job.status} after ${timeoutMs} ms; it keeps running `
          + `(stop it with stop('${requestId}'))`);
      }
      await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    }
  }

  /** Every stored line: the server answers a page at a time, ask again after the last seq. */
  async _allLogs(requestId) {
    const lines = [];
    for (;;) {
      const query = lines.length ? { after: lines[lines.length - 1].seq } : undefined;
      const { logs = [] } = await this._http.request('GET', `/mags-jobs/${seg(requestId)}/logs`, { query });
      if (!logs.length) return lines;
      lines.push(...logs);
    }
  }
}

Object.assign(Mags.prototype, more);

module.exports = Mags;
module.exports.Mags = Mags;
module.exports.MagsError = MagsError;
module.exports.default = Mags;
