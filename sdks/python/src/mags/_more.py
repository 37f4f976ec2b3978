"""File upload, cron jobs, URL aliases and usage: the reference SDK's methods for server features
that a mags server may not offer yet (it then answers 404 ``not_found``, which these raise).

The seeds name the file and cron routes (POST /mags-files, /mags-cron); those of URL aliases and
usage are not named there and follow the same pattern (/mags-url-aliases, /mags-usage).
"""
import os
import urllib.parse
from typing import Any, Dict, List, Optional

from ._errors import MagsError


def _q(segment: str) -> str:
    return urllib.parse.quote(str(segment), safe="")


class FilesCronAliases:
    _http: Any

    # ---- files

    def upload_file(self, path: str) -> str:
        """Uploads a local file; returns its file id, for ``run(..., file_ids=[...])``."""
        with open(path, "rb") as f:
            content = f.read()
        answer = self._http.upload("/mags-files", "file", os.path.basename(path), content)
        file_id = answer.get("file_id") if isinstance(answer, dict) else None
        if not file_id:
            raise MagsError("invalid_response", f"the upload of {path} answered no file_id: {answer!r}")
        return file_id

    def upload_files(self, paths: List[str]) -> List[str]:
        return [self.upload_file(p) for p in paths]

    # ---- URL aliases

    def url_alias_create(self, subdomain: str, workspace_id: str, domain: Optional[str] = None) -> Dict[str, Any]:
        body = {"subdomain": subdomain, "workspace_id": workspace_id}
        if domain:
            body["domain"] = domain
        return self._http.request("POST", "/mags-url-aliases", body)

    def url_alias_list(self) -> Dict[str, Any]:
        return self._http.request("GET", "/mags-url-aliases")

    def url_alias_delete(self, subdomain: str) -> Dict[str, Any]:
        return self._http.request("DELETE", f"/mags-url-aliases/{_q(subdomain)}")

    # ---- cron

    def cron_create(self, *, name: str, cron_expression: str, script: str, workspace_id: Optional[str] = None,
                    environment: Optional[Dict[str, str]] = None, persistent: bool = False) -> Dict[str, Any]:
        body: Dict[str, Any] = {"name": name, "cron_expression": cron_expression, "script": script,
                                "persistent": persistent}
        if workspace_id:
            body["workspace_id"] = workspace_id
        if environment:
            body["environment"] = environment
        return self._http.request("POST", "/mags-cron", body)

    def cron_list(self) -> Dict[str, Any]:
        return self._http.request("GET", "/mags-cron")

    def cron_get(self, cron_id: str) -> Dict[str, Any]:
        return self._http.request("GET", f"/mags-cron/{_q(cron_id)}")

    def cron_update(self, cron_id: str, **updates: Any) -> Dict[str, Any]:
        """Changes the given fields (name, cron_expression, script, workspace_id, environment, persistent, enabled)."""
        return self._http.request("PATCH", f"/mags-cron/{_q(cron_id)}", updates)

    def cron_delete(self, cron_id: str) -> Dict[str, Any]:
        return self._http.request("DELETE", f"/mags-cron/{_q(cron_id)}")

    # ---- usage

    def usage(self, window_days: int = 30) -> Dict[str, Any]:
        return self._http.request("GET", "/mags-usage", query={"window_days": window_days})
