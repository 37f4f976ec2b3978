"""exec's key pair: made with ssh-keygen on first use, its fingerprint as ssh-keygen prints it (the
form the server lists registered keys in)."""
import os
import subprocess
import tempfile
import unittest

import support  # noqa: F401
from mags._ssh import SshClient


class SshKeyTest(unittest.TestCase):
    def test_key_pair_is_made_once_and_its_fingerprint_is_ssh_keygens(self):
        with tempfile.TemporaryDirectory() as home:
            ssh = SshClient(home)
            line = ssh.public_key_line()
            self.assertTrue(line.startswith("ssh-ed25519 "), line)
            self.assertEqual(os.stat(os.path.join(home, ".mags")).st_mode & 0o777, 0o700)
            self.assertEqual(ssh.public_key_line(), line, "a second call made a new pair")
            listed = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", ssh.private_key + ".pub"],
                                    capture_output=True, text=True, check=True).stdout.split()[1]
            self.assertEqual(ssh.fingerprint(), listed)


if __name__ == "__main__":
    unittest.main()
