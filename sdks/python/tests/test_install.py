"""pip installs the SDK into a fresh venv without network access (--no-index), and the seeds'
quick starts run with the installed package, from a directory that is not the source tree."""
import os
import subprocess
import sys
import tempfile
import unittest

import support

QUICKSTART = '''from mags import Mags

m = Mags()  # reads MAGS_API_TOKEN from env

# Run a command and wait
result = m.run_and_wait("echo Hello World")
print(result["status"])  # "completed"
'''

LLMS_QUICKSTART = '''from mags import Mags

mags = Mags()  # uses MAGS_API_TOKEN env var

# Run a script and wait for result
result = mags.run_and_wait('echo Hello World')
print(result['logs'])
'''

server = support.Magsd()


def setUpModule():
    server.start()


def tearDownModule():
    server.stop()


class InstallTest(unittest.TestCase):
    def test_pip_install_offline_then_the_quick_starts_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            venv = os.path.join(tmp, "venv")
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
            python = os.path.join(venv, "bin", "python")
            env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_CACHE_DIR="1",
                       MAGS_API_URL=server.url, MAGS_API_TOKEN=server.token)
            env.pop("PYTHONPATH", None)
            pip = subprocess.run([python, "-m", "pip", "install", "--no-index", support.SDK],
                                 env=env, capture_output=True, text=True)
            self.assertEqual(pip.returncode, 0, pip.stdout + pip.stderr)
            typed = subprocess.run([python, "-c", "import mags, os; print(os.path.exists(os.path.join("
                                    "os.path.dirname(mags.__file__), 'py.typed')), mags.__file__)"],
                                   cwd=tmp, env=env, capture_output=True, text=True, check=True)
            self.assertTrue(typed.stdout.startswith("True " + venv), typed.stdout)
            for example, expected in ((QUICKSTART, "completed\n"), (LLMS_QUICKSTART, "'message': 'Hello World'")):
                with self.subTest(example=example.splitlines()[-1]):
                    run = subprocess.run([python, "-c", example], cwd=tmp, env=env, capture_output=True, text=True)
                    self.assertEqual(run.returncode, 0, run.stderr)
                    self.assertIn(expected, run.stdout)


if __name__ == "__main__":
    unittest.main()
