'use strict';

// What the test files share: the repository's paths, openapi.yaml's routes, a magsd.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const SDK = path.resolve(__dirname, '..');
const REPO = path.resolve(SDK, '..', '..');

/**
 * [METHOD, template] of every operation in openapi.yaml. Its paths are keys at two spaces' indent and
 * their operations at four: a line reader is enough, and keeps the tests free of a YAML package.
 */
function openapiRoutes() {
  const routes = [];
  let current = null;
  for (const line of fs.readFileSync(path.join(REPO, 'openapi.yaml'), 'utf8').split('\n')) {
    const p = /^ {2}(\/[^:]*):\s*$/.exec(line);
    if (p) {
      current = p[1];
      continue;
    }
    const m = /^ {4}(get|post|put|patch|delete):\s*$/.exec(line);
    if (m && current) routes.push([m[1].toUpperCase(), current]);
    else if (/^\S/.test(line)) current = null;
  }
  return routes;
}

/**
 * The magsd of MAGS_TEST_API_URL and MAGS_TEST_API_TOKEN, or a throwaway one from
 * sdks/testing/start-magsd, which stops it when its stdin closes: `{ url, token, stop() }`.
 */
async function startMagsd() {
  if (process.env.MAGS_TEST_API_URL && process.env.MAGS_TEST_API_TOKEN) {
    return { url: process.env.MAGS_TEST_API_URL, token: process.env.MAGS_TEST_API_TOKEN, stop: async () => {} };
  }
  const child = spawn(path.join(REPO, 'sdks', 'testing', 'start-magsd'), [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const values = {};
  const lines = readline.createInterface({ input: child.stdout });
  for await (const line of lines) {
    const at = line.indexOf('=');
    values[line.slice(0, at)] = line.slice(at + 1);
    if (line.startsWith('MAGSD_LOG=')) break;
  }
  if (!values.MAGS_API_URL) throw new Error(`start-magsd exited with ${await exited} before printing the server's URL`);
  return {
    url: values.MAGS_API_URL,
    token: values.MAGS_API_TOKEN,
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

module.exports = { SDK, REPO, openapiRoutes, startMagsd };
