"""The seeds' Python examples against a real magsd, as written: only the server's URL (MAGS_API_URL)
is ours. Examples whose server feature is not built yet are in PENDING and assert the server's
error: when the feature comes, they fail until they are moved out of it."""
import contextlib
import http.client
import io
import os
import tempfile
import time
import unittest
import urllib.parse

import support
from mags import Mags, MagsError

# Seed example -> the server feature it waits for.
PENDING = {
}

server = support.Magsd()


def setUpModule():
    server.start()
    os.environ["MAGS_API_URL"] = server.url
    os.environ["MAGS_API_TOKEN"] = server.token


def tearDownModule():
    server.stop()


def wait_script_end(m, request_id):
    """Polls until the job's script has ended: a persistent job stays running after it, with its exit code."""
    while True:
        job = m.status(request_id)
        if job["status"] in ("completed", "error") or job.get("exit_code") is not None:
            return job
        time.sleep(0.2)


def wait_running(m, request_id, timeout=120):
    """Polls until the job runs (its script has started); fails if it ends or stays pending."""
    deadline = time.monotonic() + timeout
    while True:
        job = m.status(request_id)
        if job["status"] in ("running", "sleeping"):
            return job
        if job["status"] in ("completed", "error") or time.monotonic() > deadline:
            raise AssertionError(f"job {request_id} did not come to run: {job}")
        time.sleep(0.2)


def fetch(url, timeout=60):
    """GET url as curl does: a host under .localhost is the loopback address (the resolver here does not know
    such names), the Host header is the URL's. Retries while the proxy answers 502/503 or the connection is
    refused (the server in the sandbox may not listen yet); returns (status, body)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname
    address = "127.0.0.1" if host == "localhost" or host.endswith(".localhost") else host
    port = parts.port or (443 if parts.scheme == "https" else 80)
    deadline = time.monotonic() + timeout
    while True:
        conn = (http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection)(
            address, port, timeout=timeout)
        try:
            conn.request("GET", parts.path or "/", headers={"Host": parts.netloc})
            resp = conn.getresponse()
            status, body = resp.status, resp.read().decode("utf-8", "replace")
        except ConnectionError as e:
            status, body = None, str(e)
        finally:
            conn.close()
        if status not in (None, 502, 503) or time.monotonic() > deadline:
            return status, body
        time.sleep(0.5)


def printed(fn):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        fn()
    return out.getvalue()


class SeedExamplesTest(unittest.TestCase):
    def setUp(self):
        self.m = Mags()  # reads MAGS_API_TOKEN from env

    def end_workspace(self, name):
        """Ends the workspace's sandbox and deletes it: each test leaves the server as it found it."""
        with contextlib.suppress(MagsError):
            self.m.stop(name)
        self.m.delete_workspace(name)

    def assertRefused(self, example, code, call):
        with self.assertRaises(MagsError, msg=f"{example} is pending on {PENDING[example]}") as caught:
            call()
        self.assertEqual(caught.exception.code, code, caught.exception.message)

    def test_run_and_wait_prints_completed_and_the_logs(self):
        m = self.m

        def example():
            # Run a command and wait
            result = m.run_and_wait("echo Hello World")
            print(result["status"])  # "completed"
            print(result['logs'])

        out = printed(example).splitlines()
        self.assertEqual(out[0], "completed")
        self.assertIn("'message': 'Hello World'", out[1])

    def test_status_logs_list_and_find_job(self):
        job = self.m.run_and_wait("echo found; exit 3", name="finder")
        done = self.m.run_and_wait("true")  # later than the first: the list is newest first
        status = self.m.status(job["request_id"])
        self.assertEqual((status["status"], status["exit_code"]), ("error", 3))
        self.assertEqual([(l["source"], l["message"]) for l in self.m.logs(job["request_id"])["logs"]],
                         [("stdout", "found")])
        ids = [j["request_id"] for j in self.m.list_jobs()["jobs"]]
        self.assertLess(ids.index(done["request_id"]), ids.index(job["request_id"]))
        self.assertEqual(self.m.find_job("finder")["request_id"], job["request_id"])
        self.assertEqual(self.m.find_job(job["request_id"])["name"], "finder")
        self.assertIsNone(self.m.find_job("no-such-job"))

    def test_local_workspace_keeps_files_and_is_listed_and_deleted(self):
        m = self.m
        m.run_and_wait("echo 'print(6 * 7)' > analyze.py", workspace_id="analysis")
        # Local workspace (no S3 sync, good for analysis)
        result = m.run_and_wait("python3 analyze.py", workspace_id="analysis")
        self.assertEqual([l["message"] for l in result["logs"]], ["42"])
        m.run_and_wait("true", workspace_id="myproject")
        # Workspaces
        workspaces = m.list_workspaces()
        m.delete_workspace("myproject")
        names = [w["workspace_id"] for w in workspaces["workspaces"]]
        self.assertIn("analysis", names)
        self.assertIn("myproject", names)
        self.assertNotIn("myproject", [w["workspace_id"] for w in m.list_workspaces()["workspaces"]])
        m.delete_workspace("analysis")

    def test_persistent_workspace_syncs_and_stops(self):
        m = self.m
        self.addCleanup(self.end_workspace, "my-project")
        # Persistent workspace (synced to S3)
        job = m.run("echo kept > /root/notes.txt",
                    workspace_id="my-project", persistent=True)
        # a persistent job stays running after its script, with the script's exit code
        ended = wait_script_end(m, job["request_id"])
        self.assertEqual((ended["status"], ended["exit_code"]), ("running", 0))
        snapshot = m.sync("my-project")
        self.assertEqual(snapshot["workspace_id"], "my-project")
        self.assertGreaterEqual(snapshot["files"], 1)
        stopped = m.stop("my-project")
        self.assertEqual(stopped["workspace_id"], "my-project")
        info = [w for w in m.list_workspaces()["workspaces"] if w["workspace_id"] == "my-project"][0]
        self.assertTrue(info["persistent"])
        self.assertFalse(info["live"])

    def test_new_then_exec_and_stop(self):
        m = self.m
        self.addCleanup(self.end_workspace, "my-project")
        # Create a sandbox (local disk)
        m.new("my-project")
        self.assertEqual(m.find_job("my-project")["status"], "running")
        # Execute commands on existing sandbox
        # (exec goes through the SSH gateway with a key the SDK makes under HOME: a home of the test's own)
        with tempfile.TemporaryDirectory() as home:
            saved = os.environ.get("HOME")
            os.environ["HOME"] = home
            try:
                via_ssh = Mags()
            finally:
                if saved is None:
                    del os.environ["HOME"]
                else:
                    os.environ["HOME"] = saved
            result = via_ssh.exec("my-project", "ls -la /root")
        self.assertEqual(result["exit_code"], 0, result)
        self.assertIn(".bashrc", result["output"])
        stopped = m.stop("my-project")
        self.assertEqual(stopped["error_message"], "stopped by request")

    def test_resize_grows_the_disk_and_starts_the_sandbox_again(self):
        self.addCleanup(self.end_workspace, "grow")
        self.m.new("grow")
        again = self.m.resize("grow", 3)
        self.assertEqual(again["status"], "running")
        info = [w for w in self.m.list_workspaces()["workspaces"] if w["workspace_id"] == "grow"][0]
        self.assertEqual(info["disk_bytes"], 3 * 1024 ** 3)

    def test_public_url(self):
        m = self.m
        self.addCleanup(self.end_workspace, "webapp")

        def example():
            # Public URL
            m.new("webapp", persistent=True)
            info = m.url("webapp", port=3000)
            print(info["url"])  # https://xyz.apps.magpiecloud.com
            return info

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            info = example()
        self.assertTrue(info["url"].startswith("http://"), info)
        self.assertIn(info["subdomain"], urllib.parse.urlsplit(info["url"]).hostname)
        self.assertEqual(info["port"], 3000)
        self.assertEqual(out.getvalue(), info["url"] + "\n")
        self.assertEqual(m.url("webapp", port=3000)["url"], info["url"], "the same job and port: the same URL")
        self.assertNotEqual(m.url("webapp", port=8080)["url"], info["url"])
        m.stop("webapp")
        with self.assertRaises(MagsError) as ended:
            m.url("webapp", port=3000)
        self.assertEqual((ended.exception.status, ended.exception.code), (409, "sandbox_not_running"))

    def test_a_url_and_an_alias_serve_the_sandboxs_port(self):
        m = self.m
        self.addCleanup(self.end_workspace, "pyweb")
        job = m.run("echo hello-from-pyweb > index.html && python3 -m http.server 8080",
                    workspace_id="pyweb", persistent=True)
        wait_running(m, job["request_id"])
        info = m.url("pyweb", port=8080)
        self.assertEqual(fetch(info["url"]), (200, "hello-from-pyweb\n"))

        alias = m.url_alias_create("py-alias", "pyweb")
        try:
            self.assertEqual((alias["subdomain"], alias["workspace_id"]), ("py-alias", "pyweb"))
            self.assertTrue(alias["url"].startswith("http://"), alias)
            self.assertIn("py-alias", alias["url"])
            self.assertEqual(fetch(alias["url"]), (200, "hello-from-pyweb\n"))
            self.assertIn("py-alias", [a["subdomain"] for a in m.url_alias_list()["aliases"]])
            with self.assertRaises(MagsError) as taken:
                m.url_alias_create("py-alias", "pyweb")
            self.assertEqual((taken.exception.status, taken.exception.code), (409, "subdomain_taken"))
        finally:
            self.assertEqual(m.url_alias_delete("py-alias"), {"subdomain": "py-alias", "deleted": True})
        self.assertNotIn("py-alias", [a["subdomain"] for a in m.url_alias_list()["aliases"]])
        with self.assertRaises(MagsError) as gone:
            m.url_alias_delete("py-alias")
        self.assertEqual((gone.exception.status, gone.exception.code), (404, "not_found"))

    def test_always_on_sandbox(self):
        m = self.m
        # Always-on sandbox (never auto-sleeps)
        job = m.run("python3 worker.py", workspace_id="worker", persistent=True, no_sleep=True)
        try:
            self.assertTrue(m.status(job["request_id"])["no_sleep"])
        finally:
            self.end_workspace("worker")

    def test_upload_files(self):
        m = self.m
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("script.py", "data.csv"):
                with open(os.path.join(tmp, name), "w") as f:
                    f.write("print('uploaded')\n" if name == "script.py" else "1\n")
            os.chdir(tmp)
            try:
                # Upload files
                file_ids = m.upload_files(["script.py", "data.csv"])
                self.assertEqual(len(file_ids), 2)
                result = m.run_and_wait("python3 script.py && cat data.csv", file_ids=file_ids)
                self.assertEqual(result["status"], "completed", result)
                self.assertEqual([line["message"] for line in result["logs"]], ["uploaded", "1"])
            finally:
                os.chdir(support.SDK)

    def test_cron(self):
        m = self.m
        # Cron
        cron = m.cron_create(
            name="backup", cron_expression="0 0 * * *", script="tar czf backup.tar.gz /data", workspace_id="backups")
        try:
            self.assertIn(cron["id"], [c["id"] for c in m.cron_list()["cron_jobs"]])
            self.assertEqual(m.cron_get(cron["id"])["cron_expression"], "0 0 * * *")
            self.assertFalse(m.cron_update(cron["id"], enabled=False)["enabled"])
        finally:
            m.cron_delete(cron["id"])

    def test_update_job_and_usage(self):
        job = self.m.new("settings-box")
        try:
            updated = self.m.update_job(job["request_id"], no_sleep=True, startup_command="python3 -m http.server")
            self.assertEqual((updated["no_sleep"], updated["startup_command"]), (True, "python3 -m http.server"))
        finally:
            self.end_workspace("settings-box")
        usage = self.m.usage(7)
        self.assertEqual(usage["window_days"], 7)
        self.assertGreaterEqual(usage["total_jobs"], 1)  # the settings box at least
        self.assertGreater(usage["vm_seconds"], 0)
        self.assertEqual(len(usage["days"]), 7)

    def test_url_alias_create_list_delete(self):
        m = self.m
        self.addCleanup(self.end_workspace, "my-api")
        m.new("my-api")
        created = m.url_alias_create("my-app", "my-api")
        try:
            self.assertEqual((created["subdomain"], created["workspace_id"]), ("my-app", "my-api"))
            self.assertTrue(created["url"].startswith("http://"), created)
            self.assertIn("my-app", created["url"])
            listed = [a for a in m.url_alias_list()["aliases"] if a["subdomain"] == "my-app"]
            self.assertEqual(listed, [created])
        finally:
            m.url_alias_delete("my-app")
        self.assertEqual([a for a in m.url_alias_list()["aliases"] if a["subdomain"] == "my-app"], [])
        for bad, code in (("-bad", "invalid_subdomain"), ("www", "reserved_subdomain")):
            with self.assertRaises(MagsError) as refused:
                m.url_alias_create(bad, "my-api")
            self.assertEqual((refused.exception.status, refused.exception.code), (400, code))
        with self.assertRaises(MagsError) as unknown:
            m.url_alias_create("my-app", "no-such-workspace")
        self.assertEqual((unknown.exception.status, unknown.exception.code), (404, "not_found"))


class ErrorsTest(unittest.TestCase):
    def test_wrong_token_is_unauthorized(self):
        with self.assertRaises(MagsError) as caught:
            Mags(api_token="not-a-token", api_url=server.url).list_jobs()
        self.assertEqual((caught.exception.code, caught.exception.status), ("unauthorized", 401))

    def test_a_server_that_cannot_be_reached_is_named(self):
        url = "http://127.0.0.1:9"  # discard: nothing listens there
        with self.assertRaises(MagsError) as caught:
            Mags(api_token="t", api_url=url).status("some-job")
        self.assertEqual(caught.exception.code, "connection_failed")
        self.assertIn(f"{url}/api/v1/mags-jobs/some-job/status", caught.exception.message)

    def test_unknown_job_is_the_servers_404(self):
        with self.assertRaises(MagsError) as caught:
            Mags().status("no-such-job")
        self.assertEqual(caught.exception.status, 404)
        self.assertTrue(caught.exception.message)


if __name__ == "__main__":
    unittest.main()
