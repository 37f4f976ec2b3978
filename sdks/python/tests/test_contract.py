"""Every method of the seeds' Python table exists, and each reaches a route of openapi.yaml, or is
pending on a route the server does not have yet, named with the reason."""
import os
import re
import sys
import tempfile
import unittest

import support  # noqa: F401  (puts the SDK on sys.path)
from mags import Mags

# The seeds' Python SDK table (docs site), and cron_get (the REST API and the Node table have it).
SEED_METHODS = [
    "run", "run_and_wait", "new", "exec", "stop", "find_job", "url", "resize", "status", "logs", "list_jobs",
    "update_job", "enable_access", "upload_file", "upload_files", "list_workspaces", "delete_workspace", "sync",
    "url_alias_create", "url_alias_list", "url_alias_delete", "cron_create", "cron_list", "cron_get",
    "cron_update", "cron_delete", "usage",
]

# Methods whose routes the server does not have yet, and why. A route that appears in openapi.yaml
# makes its method fail here until it is taken off this list.
PENDING = {
}

# Methods whose route exists but whose feature the server refuses for now (test_magsd asserts the answers).
REFUSED = {}


class Recorder:
    """Stands in for the SDK's transport: notes each request and answers what the server would."""

    def __init__(self):
        self.calls = []
        self.job_status = "completed"

    def request(self, method, path, body=None, query=None, timeout=None):
        self.calls.append((method, path))
        if method == "POST" and path == "/mags-jobs":
            return {"request_id": "r1", "status": "accepted"}
        if path.endswith("/status"):
            return {"request_id": "r1", "status": self.job_status}
        if path.endswith("/logs"):
            return {"logs": []}
        if path == "/mags-jobs":
            return {"jobs": [{"request_id": "r1", "name": "web", "workspace_id": "web", "status": "running"}]}
        if path.endswith("/access"):
            return {"ssh_host": "127.0.0.1", "ssh_port": 2222, "ssh_user": "web", "url": "http://web.example"}
        if path == "/ssh-keys" and method == "GET":
            return {"ssh_keys": []}
        return {}

    def upload(self, path, field, filename, content):
        self.calls.append(("POST", path))
        return {"file_id": "f1"}


class FakeSsh:
    def fingerprint(self):
        return "SHA256:x"

    def public_key_line(self):
        return "ssh-ed25519 AAAA test"

    def run(self, host, port, user, command, timeout):
        return 0, "", ""


def calls_of(name, scratch):
    m = Mags(api_token="t", api_url="http://127.0.0.1:9")
    rec = Recorder()
    m._http = rec
    m._ssh = FakeSsh()
    if name in ("new", "resize"):
        rec.job_status = "running"
    args = {
        "run": ("echo hi",), "run_and_wait": ("echo hi",), "new": ("web",), "exec": ("web", "ls"),
        "stop": ("r1",), "find_job": ("web",), "url": ("web", 3000), "resize": ("web", 5), "status": ("r1",),
        "logs": ("r1",), "list_jobs": (), "update_job": ("r1",), "enable_access": ("r1", 22),
        "upload_file": (scratch,), "upload_files": ([scratch],), "list_workspaces": (), "delete_workspace": ("web",),
        "sync": ("web",), "url_alias_create": ("app", "web"), "url_alias_list": (), "url_alias_delete": ("app",),
        "cron_create": (), "cron_list": (), "cron_get": ("c1",), "cron_update": ("c1",), "cron_delete": ("c1",),
        "usage": (),
    }[name]
    kwargs = {"cron_create": {"name": "b", "cron_expression": "0 0 * * *", "script": "true"},
              "cron_update": {"enabled": False}, "update_job": {"no_sleep": True}}.get(name, {})
    getattr(m, name)(*args, **kwargs)
    return rec.calls


def template_of(method, path, routes):
    """The openapi route that this request reaches, or None."""
    full = "/api/v1" + path.split("?")[0]
    for m, template in routes:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if m == method and re.match(pattern, full):
            return template
    return None


class ContractTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.routes = support.openapi_routes()
        fd, cls.scratch = tempfile.mkstemp(suffix=".py")
        os.write(fd, b"print(1)\n")
        os.close(fd)
        cls.listing = []

    @classmethod
    def tearDownClass(cls):
        os.unlink(cls.scratch)
        print("\nPython SDK methods and the routes they call:", file=sys.stderr)
        for line in cls.listing:
            print("  " + line, file=sys.stderr)

    def test_every_seed_method_exists(self):
        missing = [n for n in SEED_METHODS if not callable(getattr(Mags, n, None))]
        self.assertEqual(missing, [], "methods of the seeds' Python table that Mags lacks")

    def test_every_method_reaches_a_route_of_openapi_or_is_pending(self):
        self.assertIn(("POST", "/api/v1/mags-jobs"), self.routes, "the openapi reader found no routes")
        for name in SEED_METHODS:
            with self.subTest(method=name):
                calls = calls_of(name, self.scratch)
                self.assertTrue(calls, f"{name} made no request")
                unknown = [f"{m} {p}" for m, p in calls if template_of(m, p, self.routes) is None]
                shown = ", ".join(sorted({f"{m} {template_of(m, p, self.routes) or '/api/v1' + p}" for m, p in calls}))
                if name in PENDING:
                    self.listing.append(f"{name}: {shown}  [pending: {PENDING[name]}]")
                    self.assertTrue(unknown, f"{name} is pending, yet every route it calls is in openapi.yaml "
                                    f"({shown}): take it off PENDING and test it against magsd")
                else:
                    refused = f"  [the server refuses: {REFUSED[name]}]" if name in REFUSED else ""
                    self.listing.append(f"{name}: {shown}{refused}")
                    self.assertEqual(unknown, [], f"{name} calls routes that openapi.yaml does not have")


if __name__ == "__main__":
    unittest.main()
