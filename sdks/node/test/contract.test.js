'use strict';

// Every method of the seeds' Node table exists, and each reaches a route of openapi.yaml, or is
// pending on a route the server does not have yet, named with the reason.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');
const Mags = require('..');
const { openapiRoutes } = require('./support');

// The seeds' Node SDK tables (package README and docs site), and uploadFile (the docs' examples use it).
const SEED_METHODS = [
  'run', 'runAndWait', 'new', 'exec', 'status', 'logs', 'list', 'findJob', 'updateJob', 'stop', 'sync', 'resize',
  'usage', 'enableAccess', 'url', 'urlAliasCreate', 'urlAliasList', 'urlAliasDelete', 'listWorkspaces',
  'deleteWorkspace', 'uploadFile', 'uploadFiles', 'cronCreate', 'cronList', 'cronGet', 'cronUpdate', 'cronDelete',
];

// Methods whose routes the server does not have yet, and why. A route that appears in openapi.yaml
// makes its method fail here until it is taken off this list.
const PENDING = {
};

// Methods whose route exists but whose feature the server refuses for now (magsd.test.js asserts the answers).
const REFUSED = {};

/** Stands in for the SDK's transport: notes each request and answers what the server would. */
class Recorder {
  constructor(jobStatus) {
    this.calls = [];
    this.jobStatus = jobStatus;
  }

  async request(method, p) {
    this.calls.push([method, p]);
    if (method === 'POST' && p === '/mags-jobs') return { request_id: 'r1', status: 'accepted' };
    if (p.endsWith('/status')) return { request_id: 'r1', status: this.jobStatus };
    if (p.endsWith('/logs')) return { logs: [] };
    if (p === '/mags-jobs') return { jobs: [{ request_id: 'r1', name: 'web', workspace_id: 'web', status: 'running' }] };
    if (p.endsWith('/access')) return { ssh_host: '127.0.0.1', ssh_port: 2222, ssh_user: 'web', url: 'http://web.example' };
    if (p === '/ssh-keys' && method === 'GET') return { ssh_keys: [] };
    return {};
  }

  async upload(p) {
    this.calls.push(['POST', p]);
    return { file_id: 'f1' };
  }
}

const fakeSsh = {
  fingerprint: async () => 'SHA256:x',
  publicKeyLine: async () => 'ssh-ed25519 AAAA test',
  run: async () => ({ code: 0, stdout: '', stderr: '' }),
};

async function callsOf(name, scratch) {
  const m = new Mags({ apiToken: 't', apiUrl: 'http://127.0.0.1:1' });
  const rec = new Recorder(name === 'new' || name === 'resize' ? 'running' : 'completed');
  m._http = rec;
  m._ssh = fakeSsh;
  const args = {
    run: ['echo hi'], runAndWait: ['echo hi'], new: ['web'], exec: ['web', 'ls'], status: ['r1'], logs: ['r1'],
    list: [], findJob: ['web'], updateJob: ['r1', { noSleep: true }], stop: ['r1'], sync: ['web'], resize: ['web', 5],
    usage: [{ windowDays: 7 }], enableAccess: ['r1', 22], url: ['web', 3000], urlAliasCreate: ['app', 'web'],
    urlAliasList: [], urlAliasDelete: ['app'], listWorkspaces: [], deleteWorkspace: ['web'], uploadFile: [scratch],
    uploadFiles: [[scratch]], cronCreate: [{ name: 'b', cronExpression: '0 0 * * *', script: 'true' }], cronList: [],
    cronGet: ['c1'], cronUpdate: ['c1', { enabled: false }], cronDelete: ['c1'],
  }[name];
  await m[name](...args);
  return rec.calls;
}

function templateOf(method, p, routes) {
  const full = `/api/v1${p.split('?')[0]}`;
  for (const [m, template] of routes) {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (m === method && pattern.test(full)) return template;
  }
  return null;
}

test('every method of the seeds\' Node table exists', () => {
  const m = new Mags({ apiToken: 't' });
  assert.deepEqual(SEED_METHODS.filter((n) => typeof m[n] !== 'function'), []);
});

test('index.d.ts declares every method of the seeds\' Node table', () => {
  const declared = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  assert.deepEqual(SEED_METHODS.filter((n) => !new RegExp(`^  ${n}\\(`, 'm').test(declared)), []);
});

test('every method reaches a route of openapi.yaml, or is pending with its reason', async (t) => {
  const routes = openapiRoutes();
  assert.ok(routes.some(([m, p]) => m === 'POST' && p === '/api/v1/mags-jobs'), 'the openapi reader found no routes');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mags-contract-'));
  const scratch = path.join(dir, 'script.py');
  fs.writeFileSync(scratch, 'print(1)\n');
  const listing = [];
  try {
    for (const name of SEED_METHODS) {
      await t.test(name, async () => {
        const calls = await callsOf(name, scratch);
        assert.ok(calls.length, `${name} made no request`);
        const unknown = calls.filter(([m, p]) => templateOf(m, p, routes) === null);
        const shown = [...new Set(calls.map(([m, p]) => `${m} ${templateOf(m, p, routes) || `/api/v1${p}`}`))].sort().join(', ');
        if (PENDING[name]) {
          listing.push(`${name}: ${shown}  [pending: ${PENDING[name]}]`);
          assert.ok(unknown.length, `${name} is pending, yet every route it calls is in openapi.yaml (${shown}): `
            + 'take it off PENDING and test it against magsd');
        } else {
          listing.push(`${name}: ${shown}${REFUSED[name] ? `  [the server refuses: ${REFUSED[name]}]` : ''}`);
          assert.deepEqual(unknown, [], `${name} calls routes that openapi.yaml does not have`);
        }
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  t.diagnostic('Node SDK methods and the routes they call:');
  for (const line of listing) t.diagnostic(`  ${line}`);
});
