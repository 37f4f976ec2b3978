'use strict';

// exec's way into a sandbox: the system's OpenSSH client through the server's SSH gateway. The key
// pair is the mags CLI's (~/.mags/id_ed25519, made with ssh-keygen on first use), so a user registers
// one key for both; the gateway's host key is kept in ~/.mags/known_hosts (trust on first use).
const { execFile } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { MagsError } = require('./errors');

class SshClient {
  constructor(home) {
    this.privateKey = path.join(home, '.mags', 'id_ed25519');
    this.knownHosts = path.join(home, '.mags', 'known_hosts');
  }

  /** The public key's line, after making the pair if there is none. */
  async publicKeyLine() {
    if (!fs.existsSync(this.privateKey)) {
      fs.mkdirSync(path.dirname(this.privateKey), { recursive: true, mode: 0o700 });
      const made = await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', this.privateKey], 30000);
      if (made.code !== 0) throw new MagsError('ssh_failed', `ssh-keygen failed: ${made.stderr.trim()}`);
    }
    return fs.readFileSync(`${this.privateKey}.pub`, 'ascii').trim();
  }

  /** SHA256:... as ssh-keygen -l prints it and the server lists it. */
  async fingerprint() {
    const parts = (await this.publicKeyLine()).split(/\s+/);
    if (parts.length < 2) {
      throw new MagsError('ssh_failed', `${this.privateKey}.pub holds no public key; remove ${this.privateKey}* to make a new pair`);
    }
    const digest = crypto.createHash('sha256').update(Buffer.from(parts[1], 'base64')).digest('base64');
    return `SHA256:${digest.replace(/=+$/, '')}`;
  }

  /** Exit status, stdout and stderr of `command` run through the gateway. */
  async run(host, port, user, command, timeoutMs) {
    for (const word of [host, user]) {
      if (String(word).startsWith('-')) {
        throw new MagsError('ssh_failed', `the server's answer '${word}' could be read as an ssh option; refused`);
      }
    }
    return run('ssh', ['-i', this.privateKey, '-p', String(port), '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
      '-o', `UserKnownHostsFile=${this.knownHosts}`, '-o', 'StrictHostKeyChecking=accept-new', '-o', 'LogLevel=ERROR', '--',
      `${user}@${host}`, command], timeoutMs);
  }
}

function run(program, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = execFile(program, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && err.code === 'ENOENT') {
        reject(new MagsError('ssh_failed', `${program} (OpenSSH's client) is not on the PATH; install it `
          + '(Debian, Ubuntu: apt-get install openssh-client) to use exec'));
      } else if (err && err.killed) {
        reject(new MagsError('timeout', `${program} did not finish within ${timeoutMs} ms`));
      } else {
        resolve({ code: err ? err.code : 0, stdout: String(stdout), stderr: String(stderr) });
      }
    });
    child.stdin.end();
  });
}

module.exports = { SshClient };
