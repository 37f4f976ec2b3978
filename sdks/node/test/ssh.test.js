'use strict';

// exec's key pair: made with ssh-keygen on first use, its fingerprint as ssh-keygen prints it (the form
// the server lists registered keys in).
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');
const { SshClient } = require('../lib/ssh');

test('the key pair is made once and its fingerprint is ssh-keygen\'s', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mags-ssh-'));
  try {
    const ssh = new SshClient(home);
    const line = await ssh.publicKeyLine();
    assert.match(line, /^ssh-ed25519 /);
    assert.equal(fs.statSync(path.join(home, '.mags')).mode & 0o777, 0o700);
    assert.equal(await ssh.publicKeyLine(), line, 'a second call made a new pair');
    const listed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${ssh.privateKey}.pub`], { encoding: 'utf8' })
      .split(' ')[1];
    assert.equal(await ssh.fingerprint(), listed);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
