"""JSON over HTTP with urllib: the one place that talks to the server."""
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, Optional, Tuple

from ._errors import MagsError


class Transport:
    """Sends requests to ``<api_url>/api/v1`` with the bearer token; answers are parsed JSON."""

    def __init__(self, api_url: str, api_token: str, timeout: float):
        self.api_url = api_url.rstrip("/")
        self._token = api_token
        self._timeout = timeout

    def request(self, method: str, path: str, body: Optional[Dict[str, Any]] = None,
                query: Optional[Dict[str, Any]] = None, timeout: Optional[float] = None) -> Any:
        data = None
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        return self._send(method, path, data, headers, query, timeout)

    def upload(self, path: str, field: str, filename: str, content: bytes) -> Any:
        """POSTs one file as multipart/form-data."""
        boundary = uuid.uuid4().hex
        quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
        data = (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{quoted}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json",
                   "Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self._send("POST", path, data, headers, None, None)

    def _send(self, method: str, path: str, data: Optional[bytes], headers: Dict[str, str],
              query: Optional[Dict[str, Any]], timeout: Optional[float]) -> Any:
        url = f"{self.api_url}/api/v1{path}"
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=timeout or self._timeout) as resp:
                return _parse(resp.read(), url)
        except urllib.error.HTTPError as e:
            code, message = _error_of(e.code, e.read())
            raise MagsError(code, message, status=e.code, url=url) from None
        except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as e:
            reason = getattr(e, "reason", e)
            if isinstance(reason, socket.timeout) or isinstance(e, socket.timeout):
                raise MagsError("timeout", f"{method} {url}: no answer within {timeout or self._timeout} s",
                                url=url) from None
            raise MagsError("connection_failed", f"could not reach {url}: {reason}; is the server running, "
                            "and does MAGS_API_URL name it?", url=url) from None


def _parse(raw: bytes, url: str) -> Any:
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise MagsError("invalid_response", f"{url} answered something that is not JSON: {raw[:200]!r}",
                        url=url) from None


def _error_of(status: int, raw: bytes) -> Tuple[str, str]:
    """The server's code and message, or a code made of the status when the body is not the server's."""
    try:
        err = json.loads(raw)["error"]
        return str(err["code"]), str(err["message"])
    except (ValueError, KeyError, TypeError):
        text = raw.decode("utf-8", "replace").strip()[:200]
        return f"http_{status}", text or f"HTTP {status}"
