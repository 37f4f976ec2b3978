"""What the test modules share: the SDK's source on sys.path, the repository's paths, a magsd."""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SDK = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(SDK))
sys.path.insert(0, os.path.join(SDK, "src"))


def openapi_routes():
    """(METHOD, template) of every operation in the repository's openapi.yaml.

    The file's paths are keys at two spaces' indent and their operations at four: a line reader is
    enough, and keeps the test free of a YAML package.
    """
    routes = set()
    path = None
    with open(os.path.join(REPO, "openapi.yaml"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^  (/[^:]*):\s*$", line)
            if m:
                path = m.group(1)
                continue
            m = re.match(r"^    (get|post|put|patch|delete):\s*$", line)
            if m and path:
                routes.add((m.group(1).upper(), path))
            elif re.match(r"^\S", line):
                path = None
    return routes


class Magsd:
    """A magsd for the suite: the one MAGS_TEST_API_URL and MAGS_TEST_API_TOKEN name, or a throwaway
    one from sdks/testing/start-magsd (stopped when its stdin closes)."""

    def __init__(self):
        self._proc = None
        self.log = None
        self.url = os.environ.get("MAGS_TEST_API_URL")
        self.token = os.environ.get("MAGS_TEST_API_TOKEN")

    def start(self):
        if self.url and self.token:
            return self
        self._proc = subprocess.Popen([os.path.join(REPO, "sdks", "testing", "start-magsd")],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        values = {}
        for line in self._proc.stdout:
            key, _, value = line.strip().partition("=")
            values[key] = value
            if key == "MAGSD_LOG":
                break
        if "MAGS_API_URL" not in values:
            self._proc.wait()
            raise RuntimeError(f"start-magsd exited with {self._proc.returncode} before printing the server's URL")
        self.url, self.token, self.log = values["MAGS_API_URL"], values["MAGS_API_TOKEN"], values.get("MAGSD_LOG")
        return self

    def stop(self):
        if self._proc is not None:
            self._proc.stdin.close()
            self._proc.wait(timeout=180)
            self._proc.stdout.close()
            self._proc = None
