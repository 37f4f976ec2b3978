"""The Mags client: jobs, sandboxes, workspaces and access."""
import os
import time
import urllib.parse
from typing import Any, Dict, List, Optional

from ._errors import MagsError
from ._http import Transport
from ._more import FilesCronAliases
from ._ssh import SshClient

DEFAULT_API_URL = "http://127.0.0.1:8080"
# Calls that wait for the server's work (a final sync of a large workspace): as the Java SDK, an hour.
_LONG = 3600.0
_FINAL = ("completed", "error")


def _q(segment: str) -> str:
    return urllib.parse.quote(str(segment), safe="")


class Mags(FilesCronAliases):
    """Client of a mags server.

    ``api_token`` defaults to $MAGS_API_TOKEN, ``api_url`` to $MAGS_API_URL, then to
    http://127.0.0.1:8080 (a local ``magsd serve``). ``timeout`` bounds each HTTP request, in seconds.
    Every method raises :class:`MagsError` on failure.
    """

    def __init__(self, api_token: Optional[str] = None, api_url: Optional[str] = None, timeout: float = 30.0):
        token = api_token or os.environ.get("MAGS_API_TOKEN")
        if not token:
            raise MagsError("missing_token", "API token required: pass Mags(api_token=...) or set MAGS_API_TOKEN "
                            "(an operator makes one with: magsd token create --user NAME)")
        url = api_url or os.environ.get("MAGS_API_URL") or DEFAULT_API_URL
        self._http = Transport(url, token, timeout)
        self._ssh = SshClient(os.path.expanduser("~"))

    @property
    def api_url(self) -> str:
        return self._http.api_url

    # ---- jobs

    def run(self, script: str, *, name: Optional[str] = None, workspace_id: Optional[str] = None,
            base_workspace_id: Optional[str] = None, persistent: bool = False, no_sleep: bool = False,
            ephemeral: bool = False, startup_command: Optional[str] = None,
            environment: Optional[Dict[str, str]] = None, file_ids: Optional[List[str]] = None,
            disk_gb: Optional[int] = None, no_sync: bool = False) -> Dict[str, Any]:
        """Submits a job; returns ``{"request_id": ..., "status": "accepted"}`` at once."""
        payload: Dict[str, Any] = {"script": script, "type": "inline", "persistent": persistent}
        if no_sleep:
            payload["no_sleep"] = True
        if no_sync:
            payload["no_sync"] = True
        if name:
            payload["name"] = name
        if ephemeral:
            payload["ephemeral"] = True
        elif workspace_id:
            payload["workspace_id"] = workspace_id
        if base_workspace_id:
            payload["base_workspace_id"] = base_workspace_id
        if startup_command:
            payload["startup_command"] = startup_command
        if environment:
            payload["environment"] = environment
        if file_ids:
            payload["file_ids"] = file_ids
        if disk_gb:
            payload["disk_gb"] = disk_gb
        return self._http.request("POST", "/mags-jobs", payload)

    def run_and_wait(self, script: str, *, timeout: float = 60.0, poll_interval: float = 1.0,
                     **opts: Any) -> Dict[str, Any]:
        """Submits a job and polls until it ends; returns request_id, status, exit_code and all its log lines.

        Raises ``MagsError("timeout")`` when it has not ended within ``timeout`` seconds (it keeps running).
        """
        request_id = self.run(script, **opts)["request_id"]
        # A persistent job stays running after its script, with the script's exit code: that is its end here.
        job = self._wait(request_id, _FINAL + ("sleeping",), timeout, poll_interval, script_end=True)
        return {"request_id": request_id, "status": job["status"], "exit_code": job.get("exit_code"),
                "error_message": job.get("error_message"), "logs": self._all_logs(request_id)}

    def new(self, name: str, *, persistent: bool = False, base_workspace_id: Optional[str] = None,
            disk_gb: Optional[int] = None, timeout: float = 30.0, poll_interval: float = 1.0) -> Dict[str, Any]:
        """Starts a sandbox on workspace ``name`` that stays up, and waits until it runs.

        Local disk only unless ``persistent=True`` (then synced to storage).
        Returns ``{"request_id": ..., "status": "running"}``.
        """
        request_id = self.run("sleep infinity", workspace_id=name, persistent=True, no_sync=not persistent,
                              base_workspace_id=base_workspace_id, disk_gb=disk_gb)["request_id"]
        job = self._wait(request_id, ("running",) + _FINAL, timeout, poll_interval)
        if job["status"] != "running":
            raise MagsError("sandbox_failed", f"sandbox '{name}' ended as {job['status']}: "
                            f"{job.get('error_message') or 'no reason given'}")
        return {"request_id": request_id, "status": "running"}

    def status(self, request_id: str) -> Dict[str, Any]:
        return self._http.request("GET", f"/mags-jobs/{_q(request_id)}/status")

    def logs(self, request_id: str) -> Dict[str, Any]:
        """The job's first page of log lines: ``{"request_id", "status", "logs": [{seq, timestamp, source, message}]}``."""
        return self._http.request("GET", f"/mags-jobs/{_q(request_id)}/logs")

    def list_jobs(self, *, page: int = 1, page_size: int = 20) -> Dict[str, Any]:
        """One page of the caller's jobs, newest first: ``{"jobs", "page", "page_size", "total"}``."""
        return self._http.request("GET", "/mags-jobs", query={"page": page, "page_size": page_size})

    def find_job(self, name_or_id: str) -> Optional[Dict[str, Any]]:
        """The newest job with this request id, name or workspace among the last 100, a live one first; else None."""
        jobs = self.list_jobs(page=1, page_size=100).get("jobs", [])
        for job in jobs:
            if job.get("request_id") == name_or_id:
                return job
        named = [j for j in jobs if name_or_id in (j.get("name"), j.get("workspace_id"))]
        live = [j for j in named if j.get("status") in ("running", "sleeping", "pending")]
        return (live or named or [None])[0]

    def update_job(self, request_id: str, *, startup_command: Optional[str] = None,
                   no_sleep: Optional[bool] = None) -> Dict[str, Any]:
        body: Dict[str, Any] = {}
        if startup_command is not None:
            body["startup_command"] = startup_command
        if no_sleep is not None:
            body["no_sleep"] = no_sleep
        return self._http.request("PATCH", f"/mags-jobs/{_q(request_id)}", body)

    def stop(self, name_or_id: str) -> Dict[str, Any]:
        """Stops a job (by request id or name) or a workspace's sandbox (by workspace name)."""
        try:
            return self._http.request("POST", f"/mags-jobs/{_q(name_or_id)}/stop", timeout=_LONG)
        except MagsError as e:
            job = self.find_job(name_or_id) if e.status == 404 else None
            if job is None:
                raise
            return self._http.request("POST", f"/mags-jobs/{_q(job['request_id'])}/stop", timeout=_LONG)

    def exec(self, name_or_id: str, command: str, *, timeout: float = 30.0) -> Dict[str, Any]:
        """Runs ``command`` in a running sandbox over SSH; returns ``{"exit_code", "output", "stderr"}``."""
        access = self.enable_access(name_or_id, port=22)
        fingerprint = self._ssh.fingerprint()
        keys = self._http.request("GET", "/ssh-keys").get("ssh_keys", [])
        if not any(k.get("fingerprint") == fingerprint for k in keys):
            self._http.request("POST", "/ssh-keys", {"public_key": self._ssh.public_key_line()})
        code, out, err = self._ssh.run(access["ssh_host"], int(access["ssh_port"]), access["ssh_user"],
                                       command, timeout)
        if code == 255:
            raise MagsError("ssh_failed", f"ssh to {name_or_id} failed: {err.strip()}")
        return {"exit_code": code, "output": out, "stderr": err}

    def sync(self, request_id: str) -> Dict[str, Any]:
        """Syncs a persistent workspace (by job or workspace name) to storage now; returns the snapshot."""
        return self._http.request("POST", f"/mags-jobs/{_q(request_id)}/sync", timeout=_LONG)

    # ---- access

    def enable_access(self, request_id: str, port: int = 8080) -> Dict[str, Any]:
        """Where to reach a sandbox's port; 22 answers ssh_host, ssh_port and ssh_user."""
        return self._http.request("POST", f"/mags-jobs/{_q(request_id)}/access", {"port": port})

    def url(self, name_or_id: str, port: int = 8080) -> Dict[str, Any]:
        """Makes a sandbox's port public; the answer's ``url`` is the address."""
        return self.enable_access(name_or_id, port)

    # ---- workspaces

    def list_workspaces(self) -> Dict[str, Any]:
        return self._http.request("GET", "/mags-workspaces")

    def delete_workspace(self, workspace_id: str) -> Dict[str, Any]:
        return self._http.request("DELETE", f"/mags-workspaces/{_q(workspace_id)}", timeout=_LONG)

    def resize(self, workspace: str, disk_gb: int, *, timeout: float = 30.0,
               poll_interval: float = 1.0) -> Dict[str, Any]:
        """Stops the workspace's jobs and sandbox, grows its disk to ``disk_gb`` GB and starts a sandbox on it
        again; returns ``{"request_id": ..., "status": "running"}`` as :meth:`new` does."""
        job = self.find_job(workspace)
        if job is not None and job.get("status") in ("pending", "running", "sleeping"):
            self.stop(workspace)
        info = self._http.request("POST", f"/mags-workspaces/{_q(workspace)}/resize", {"disk_gb": disk_gb},
                                  timeout=_LONG)
        return self.new(workspace, persistent=bool(info.get("persistent")), timeout=timeout,
                        poll_interval=poll_interval)

    # ---- helpers

    def _wait(self, request_id: str, until, timeout: float, poll_interval: float,
              script_end: bool = False) -> Dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            job = self.status(request_id)
            if job.get("status") in until:
                return job
            if script_end and job.get("status") == "running" and job.get("exit_code") is not None:
                return job
            if time.monotonic() >= deadline:
                raise MagsError("timeout", f"job {request_id} is still {job.get('status')} after {timeout} s; it "
                                f"keeps running (stop it with stop({request_id!r}))")
            time.sleep(min(poll_interval, max(0.0, deadline - time.monotonic())))

    def _all_logs(self, request_id: str) -> List[Dict[str, Any]]:
        """Every stored line: the server answers a page at a time, ask again after the last seq."""
        lines: List[Dict[str, Any]] = []
        while True:
            query = {"after": lines[-1]["seq"]} if lines else None
            page = self._http.request("GET", f"/mags-jobs/{_q(request_id)}/logs", query=query).get("logs", [])
            if not page:
                return lines
            lines.extend(page)
