'use strict';

// File upload, cron jobs, URL aliases and usage: the reference SDK's methods for server features that a
// mags server may not offer yet (it then answers 404 `not_found`, which these throw). The seeds name
// the file and cron routes (POST /mags-files, /mags-cron); those of URL aliases and usage are not named
// there and follow the same pattern (/mags-url-aliases, /mags-usage).
const fs = require('node:fs');
const path = require('node:path');
const { MagsError } = require('./errors');

const seg = (s) => encodeURIComponent(String(s));
const snake = (obj) => Object.fromEntries(Object.entries(obj || {})
  .map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));

module.exports = {
  /** Uploads a local file; resolves to its file id, for `run(..., { fileIds: [...] })`. */
  async uploadFile(filePath) {
    const answer = await this._http.upload('/mags-files', 'file', path.basename(filePath), fs.readFileSync(filePath));
    if (!answer || !answer.file_id) {
      throw new MagsError('invalid_response', `the upload of ${filePath} answered no file_id: ${JSON.stringify(answer)}`);
    }
    return answer.file_id;
  },

  async uploadFiles(filePaths) {
    const ids = [];
    for (const p of filePaths) ids.push(await this.uploadFile(p));
    return ids;
  },

  async urlAliasCreate(subdomain, workspaceId, domain) {
    const body = { subdomain, workspace_id: workspaceId };
    if (domain) body.domain = domain;
    return this._http.request('POST', '/mags-url-aliases', { body });
  },

  async urlAliasList() {
    return this._http.request('GET', '/mags-url-aliases');
  },

  async urlAliasDelete(subdomain) {
    return this._http.request('DELETE', `/mags-url-aliases/${seg(subdomain)}`);
  },

  /** Options: name, cronExpression, script, workspaceId, environment, persistent. */
  async cronCreate({ name, cronExpression, script, workspaceId, environment, persistent = false } = {}) {
    const body = { name, cron_expression: cronExpression, script, persistent };
    if (workspaceId) body.workspace_id = workspaceId;
    if (environment) body.environment = environment;
    return this._http.request('POST', '/mags-cron', { body });
  },

  async cronList() {
    return this._http.request('GET', '/mags-cron');
  },

  async cronGet(id) {
    return this._http.request('GET', `/mags-cron/${seg(id)}`);
  },

  /** Changes the given fields (name, cronExpression, script, workspaceId, environment, persistent, enabled). */
  async cronUpdate(id, updates = {}) {
    return this._http.request('PATCH', `/mags-cron/${seg(id)}`, { body: snake(updates) });
  },

  async cronDelete(id) {
    return this._http.request('DELETE', `/mags-cron/${seg(id)}`);
  },

  async usage({ windowDays = 30 } = {}) {
    return this._http.request('GET', '/mags-usage', { query: { window_days: windowDays } });
  },
};
