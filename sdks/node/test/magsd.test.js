'use strict';

// The seeds' Node examples against a real magsd, as written: only the require line and the server's
// URL (MAGS_API_URL) are ours. Examples whose server feature is not built yet are in PENDING and
// assert the server's error: when the feature comes, they fail until they are moved out of it.
// Last, the package as npm packs it, installed in an empty directory, runs the quick start.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { after, before, describe, test } = require('node:test');
const Mags = require('..');
const { SDK, startMagsd } = require('./support');

// Seed example -> the server feature it waits for.
const PENDING = {
};

let server;
let mags;

before(async () => {
  server = await startMagsd();
  process.env.MAGS_API_URL = server.url;
  process.env.MAGS_API_TOKEN = server.token;
  mags = new Mags({ apiToken: process.env.MAGS_API_TOKEN });
});

after(async () => {
  if (server) await server.stop();
});

async function printed(fn) {
  const lines = [];
  const original = console.log;
  console.log = (...args) => lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  try {
    await fn();
  } finally {
    console.log = original;
  }
  return lines;
}

async function refused(example, code, call) {
  assert.ok(PENDING[example]);
  await assert.rejects(call, (e) => {
    assert.equal(e.name, 'MagsError');
    assert.equal(e.code, code, `${example} is pending on ${PENDING[example]}; the server answered ${e.code}: ${e.message}`);
    return true;
  });
}

/** Ends the workspace's sandbox and deletes it: each test leaves the server as it found it. */
async function endWorkspace(name) {
  await mags.stop(name).catch(() => {});
  await mags.deleteWorkspace(name);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the job runs (its script has started); fails if it ends or stays pending. */
async function waitRunning(requestId, timeoutMs = 120000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await mags.status(requestId);
    if (['running', 'sleeping'].includes(job.status)) return job;
    if (['completed', 'error'].includes(job.status) || Date.now() > deadline) {
      throw new Error(`job ${requestId} did not come to run: ${JSON.stringify(job)}`);
    }
    await sleep(200);
  }
}

/** One GET of `url`, resolving to { status, body }; a refused connection resolves to status null. */
function getOnce(url) {
  const u = new URL(url);
  // As curl does: a host under .localhost is the loopback address (the resolver here does not know such names).
  const host = u.hostname === 'localhost' || u.hostname.endsWith('.localhost') ? '127.0.0.1' : u.hostname;
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: u.port || 80, path: u.pathname + u.search, headers: { Host: u.host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', reject);
    });
    req.on('error', (e) => (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET' ? resolve({ status: null, body: e.message }) : reject(e)));
    req.end();
  });
}

/** GET `url` through the apps proxy, asking again while it answers 502/503 (the server in the sandbox may not listen yet). */
async function fetchPage(url, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await getOnce(url);
    if (![null, 502, 503].includes(answer.status) || Date.now() > deadline) return answer;
    await sleep(500);
  }
}

async function waitScriptEnd(requestId) {
  for (;;) {
    const job = await mags.status(requestId);
    if (['completed', 'error'].includes(job.status) || job.exit_code != null) return job;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('seed examples', () => {
  test('runAndWait prints the logs and the status', async () => {
    const out = await printed(async () => {
      // Run and wait for completion
      const result = await mags.runAndWait('echo Hello World');
      console.log(result.logs);
      console.log(result.status); // "completed"
    });
    assert.equal(JSON.parse(out[0]).map((l) => l.message).join('\n'), 'Hello World');
    assert.equal(out[1], 'completed');
  });

  test('status, logs, list and findJob', async () => {
    const job = await mags.runAndWait('echo found; exit 3', { name: 'finder' });
    const done = await mags.runAndWait('true');
    const status = await mags.status(job.requestId);
    assert.deepEqual([status.status, status.exit_code], ['error', 3]);
    assert.deepEqual((await mags.logs(job.requestId)).logs.map((l) => [l.source, l.message]), [['stdout', 'found']]);
    const ids = (await mags.list({ page: 1, pageSize: 20 })).jobs.map((j) => j.request_id);
    assert.ok(ids.indexOf(done.requestId) < ids.indexOf(job.requestId), 'newest first');
    assert.equal((await mags.findJob('finder')).request_id, job.requestId);
    assert.equal(await mags.findJob('no-such-job'), null);
  });

  test('a local workspace keeps files; workspaces are listed and deleted', async () => {
    await mags.runAndWait("echo 'print(6 * 7)' > analyze.py", { workspaceId: 'analysis' });
    // Local workspace (no S3 sync, good for analysis)
    const result = await mags.runAndWait('python3 analyze.py', { workspaceId: 'analysis' });
    assert.deepEqual(result.logs.map((l) => l.message), ['42']);
    const names = (await mags.listWorkspaces()).workspaces.map((w) => w.workspace_id);
    assert.ok(names.includes('analysis'));
    assert.deepEqual(await mags.deleteWorkspace('analysis'), { workspace_id: 'analysis', deleted: true });
    assert.ok(!(await mags.listWorkspaces()).workspaces.some((w) => w.workspace_id === 'analysis'));
  });

  test('a persistent workspace syncs, and stops by name', async (t) => {
    t.after(() => endWorkspace('myproject'));
    const job = await mags.run('echo kept > /root/notes.txt', { workspaceId: 'myproject', persistent: true });
    // a persistent job stays running after its script, with the script's exit code
    const ended = await waitScriptEnd(job.requestId);
    assert.deepEqual([ended.status, ended.exit_code], ['running', 0]);
    const snapshot = await mags.sync('myproject');
    assert.equal(snapshot.workspace_id, 'myproject');
    assert.ok(snapshot.files >= 1);
    // Stop a job by name
    await mags.stop('myproject');
    const info = (await mags.listWorkspaces()).workspaces.find((w) => w.workspace_id === 'myproject');
    assert.deepEqual([info.persistent, info.live], [true, false]);
  });

  test('new, exec, resize and stop', async (t) => {
    t.after(() => endWorkspace('myproject'));
    // Create a sandbox (local disk)
    await mags.new('myproject');
    assert.equal((await mags.findJob('myproject')).status, 'running');
    // Execute command on existing VM
    // (exec goes through the SSH gateway with a key the SDK makes under HOME: a home of the test's own)
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mags-home-'));
    const savedHome = process.env.HOME;
    process.env.HOME = home;
    let viaSsh;
    try {
      viaSsh = new Mags({ apiToken: process.env.MAGS_API_TOKEN });
    } finally {
      process.env.HOME = savedHome;
    }
    try {
      const { output, exitCode } = await viaSsh.exec('myproject', 'ls -la /root');
      assert.equal(exitCode, 0);
      assert.match(output, /\.bashrc/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
    // Resize workspace disk
    await mags.resize('myproject', 10); // 10GB
    const info = (await mags.listWorkspaces()).workspaces.find((w) => w.workspace_id === 'myproject');
    assert.equal(info.disk_bytes, 10 * 1024 ** 3);
    assert.equal((await mags.findJob('myproject')).status, 'running');
    // Stop a job by name
    const stopped = await mags.stop('myproject');
    assert.equal(stopped.error_message, 'stopped by request');
  });

  test('SSH access, a public URL and an alias of it', async (t) => {
    t.after(() => endWorkspace('webapp'));
    let webJob;
    const out = await printed(async () => {
      // Public URL
      webJob = await mags.run('python3 -m http.server 8080', {
        workspaceId: 'webapp', persistent: true,
        startupCommand: 'python3 -m http.server 8080',
      });
      await waitRunning(webJob.requestId);
      const { url } = await mags.url('webapp', 8080);
      console.log(url);
    });
    const ssh = await mags.enableAccess('webapp', 22);
    assert.equal(ssh.sshUser, 'webapp');
    assert.ok(ssh.sshPort > 0);
    const access = await mags.url('webapp', 8080);
    assert.deepEqual(out, [access.url], 'asking again for the same job and port answers the same URL');
    assert.match(access.url, /^http:\/\//);
    assert.equal(access.port, 8080);
    assert.ok(new URL(access.url).hostname.startsWith(`${access.subdomain}.`), JSON.stringify(access));
    const page = await fetchPage(access.url);
    assert.equal(page.status, 200, page.body);
    assert.match(page.body, /Directory listing for \//);

    const alias = await mags.urlAliasCreate('node-web', 'webapp');
    try {
      assert.deepEqual([alias.subdomain, alias.workspace_id], ['node-web', 'webapp']);
      assert.match(alias.url, /^http:\/\/node-web\./);
      const viaAlias = await fetchPage(alias.url);
      assert.deepEqual(viaAlias, page, 'the alias serves the same page');
    } finally {
      await mags.urlAliasDelete('node-web');
    }
    await mags.stop('webapp');
    await assert.rejects(mags.url('webapp', 8080), (e) => e.status === 409 && e.code === 'sandbox_not_running');
  });

  test('options of servers that are not built yet', async () => {
    // Run with workspace and options
    const withOptions = await mags.run('python script.py', {
      workspaceId: 'myproject',
      persistent: true,
      diskGb: 5,
      startupCommand: 'python server.py',
    });
    assert.equal((await mags.status(withOptions.requestId)).startup_command, 'python server.py');
    await endWorkspace('myproject');
    // Always-on VM (never auto-sleeps)
    const alwaysOn = await mags.run('node server.js', {
      workspaceId: 'my-api',
      persistent: true,
      noSleep: true,
    });
    assert.equal((await mags.status(alwaysOn.requestId)).no_sleep, true);
    // Update job settings
    const updated = await mags.updateJob(alwaysOn.requestId, { noSleep: false, startupCommand: 'node server.js' });
    assert.equal(updated.no_sleep, false);
    assert.equal(updated.startup_command, 'node server.js');
    // Create stable URL alias
    const alias = await mags.urlAliasCreate('my-app', 'my-api');
    try {
      assert.deepEqual([alias.subdomain, alias.workspace_id], ['my-app', 'my-api']);
      assert.match(alias.url, /^http:\/\/my-app\./);
      assert.deepEqual((await mags.urlAliasList()).aliases.filter((a) => a.subdomain === 'my-app'), [alias]);
      await assert.rejects(mags.urlAliasCreate('my-app', 'my-api'), (e) => e.status === 409 && e.code === 'subdomain_taken');
    } finally {
      assert.deepEqual(await mags.urlAliasDelete('my-app'), { subdomain: 'my-app', deleted: true });
    }
    assert.deepEqual((await mags.urlAliasList()).aliases.filter((a) => a.subdomain === 'my-app'), []);
    await assert.rejects(mags.urlAliasDelete('my-app'), (e) => e.status === 404 && e.code === 'not_found');
    await endWorkspace('my-api');
    const usage = await mags.usage({ windowDays: 7 });
    assert.equal(usage.window_days, 7);
    assert.ok(usage.total_jobs >= 1, JSON.stringify(usage));
    assert.equal(usage.days.length, 7);
  });

  test('upload a file and cron', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mags-upload-'));
    fs.writeFileSync(path.join(dir, 'script.py'), 'print(1)\n');
    try {
      // Upload files
      const fileId = await mags.uploadFile(path.join(dir, 'script.py'));
      assert.match(fileId, /^[0-9a-f-]{36}$/);
      const result = await mags.runAndWait('python3 /uploads/script.py', { fileIds: [fileId] });
      assert.equal(result.status, 'completed', JSON.stringify(result));
      assert.deepEqual(result.logs.map((l) => l.message), ['1']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // Cron
    const cron = await mags.cronCreate({
      name: 'backup', cronExpression: '0 0 * * *',
      script: 'tar czf backup.tar.gz /data', workspaceId: 'backups',
    });
    try {
      const { cron_jobs: all } = await mags.cronList();
      assert.ok(all.some((c) => c.id === cron.id));
      assert.equal((await mags.cronGet(cron.id)).cron_expression, '0 0 * * *');
      assert.equal((await mags.cronUpdate(cron.id, { enabled: false })).enabled, false);
    } finally {
      await mags.cronDelete(cron.id);
    }
  });
});

describe('errors', () => {
  test('a wrong token is unauthorized', async () => {
    await assert.rejects(new Mags({ apiToken: 'not-a-token', apiUrl: server.url }).list(),
      (e) => e.code === 'unauthorized' && e.status === 401);
  });

  test('a server that cannot be reached is named', async () => {
    const port = await new Promise((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address();
        s.close(() => resolve(p));
      });
    });
    const url = `http://127.0.0.1:${port}`;
    await assert.rejects(new Mags({ apiToken: 't', apiUrl: url }).status('some-job'), (e) => {
      assert.equal(e.code, 'connection_failed');
      assert.ok(e.message.includes(`${url}/api/v1/mags-jobs/some-job/status`), e.message);
      return true;
    });
  });
});

describe('the packed package', () => {
  test('npm pack, then npm install in an empty directory: require and import run the quick start', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mags-npm-'));
    try {
      const env = { ...process.env, npm_config_cache: path.join(dir, 'npm-cache'), npm_config_update_notifier: 'false' };
      const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir, SDK], { env, encoding: 'utf8' })
        .trim().split('\n').pop();
      const app = path.join(dir, 'app');
      fs.mkdirSync(app);
      execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(dir, tarball)], { cwd: app, env });
      fs.writeFileSync(path.join(app, 'quickstart.js'), `const Mags = require('mags-sdk');

const mags = new Mags({ apiToken: process.env.MAGS_API_TOKEN });

(async () => {
  // Run a command and wait
  const result = await mags.runAndWait('echo Hello World');
  console.log(result.status); // "completed"
  console.log(result.logs.map((l) => l.message).join('\\n'));
})();
`);
      fs.writeFileSync(path.join(app, 'quickstart.mjs'), `import Mags, { MagsError } from 'mags-sdk';

const mags = new Mags({ apiToken: process.env.MAGS_API_TOKEN });
const result = await mags.runAndWait('echo Hello World');
console.log(result.status, typeof MagsError);
`);
      assert.equal(execFileSync('node', ['quickstart.js'], { cwd: app, env, encoding: 'utf8' }), 'completed\nHello World\n');
      assert.equal(execFileSync('node', ['quickstart.mjs'], { cwd: app, env, encoding: 'utf8' }), 'completed function\n');
      const installed = fs.readdirSync(path.join(app, 'node_modules', 'mags-sdk')).sort();
      assert.deepEqual(installed, ['README.md', 'index.d.ts', 'index.js', 'index.mjs', 'lib', 'package.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
