"""exec's way into a sandbox: the system's OpenSSH client through the server's SSH gateway.

The key pair is the one the mags CLI uses (~/.mags/id_ed25519, made with ssh-keygen on first use),
so a user registers one key for both; the gateway's host key is kept in ~/.mags/known_hosts
(trust on first use).
"""
import base64
import hashlib
import os
import shutil
import subprocess
from typing import Tuple

from ._errors import MagsError


class SshClient:
    def __init__(self, home: str):
        self.private_key = os.path.join(home, ".mags", "id_ed25519")
        self.known_hosts = os.path.join(home, ".mags", "known_hosts")

    def public_key_line(self) -> str:
        """The public key's line, after making the pair if there is none."""
        if not os.path.exists(self.private_key):
            os.makedirs(os.path.dirname(self.private_key), mode=0o700, exist_ok=True)
            self._run([_program("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-f", self.private_key], 30)
        with open(self.private_key + ".pub", encoding="ascii") as f:
            return f.read().strip()

    def fingerprint(self) -> str:
        """SHA256:... as ssh-keygen -l prints it and the server lists it."""
        parts = self.public_key_line().split()
        if len(parts) < 2:
            raise MagsError("ssh_failed", f"{self.private_key}.pub holds no public key; remove {self.private_key}* "
                            "to make a new pair")
        digest = hashlib.sha256(base64.b64decode(parts[1])).digest()
        return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")

    def run(self, host: str, port: int, user: str, command: str, timeout: float) -> Tuple[int, str, str]:
        """exit status, stdout and stderr of ``command`` run through the gateway."""
        for word in (host, user):
            if word.startswith("-"):
                raise MagsError("ssh_failed", f"the server's answer {word!r} could be read as an ssh option; refused")
        argv = [_program("ssh"), "-i", self.private_key, "-p", str(port), "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={self.known_hosts}",
                "-o", "StrictHostKeyChecking=accept-new", "-o", "LogLevel=ERROR", "--", f"{user}@{host}", command]
        return self._run(argv, timeout)

    @staticmethod
    def _run(argv, timeout: float) -> Tuple[int, str, str]:
        try:
            done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise MagsError("timeout", f"{os.path.basename(argv[0])} did not finish within {timeout} s") from None
        if os.path.basename(argv[0]) == "ssh-keygen" and done.returncode != 0:
            raise MagsError("ssh_failed", f"ssh-keygen failed: {done.stderr.decode(errors='replace').strip()}")
        return done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise MagsError("ssh_failed", f"{name} (OpenSSH's client) is not on the PATH; install it "
                        "(Debian, Ubuntu: apt-get install openssh-client) to use exec")
    return path
