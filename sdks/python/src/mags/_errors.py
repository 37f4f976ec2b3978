from typing import Optional


class MagsError(Exception):
    """Every failure of the SDK.

    ``code`` and ``message`` are the server's (its answers are ``{"error": {"code", "message"}}``),
    ``status`` the HTTP status. Failures on this side have codes of their own and no status:
    ``connection_failed`` (the message names the URL), ``missing_token``, ``timeout``,
    ``invalid_response``, ``ssh_failed``.
    """

    def __init__(self, code: str, message: str, status: Optional[int] = None, url: Optional[str] = None):
        super().__init__(f"{code}: {message}" if status is None else f"{code} (HTTP {status}): {message}")
        self.code = code
        self.message = message
        self.status = status
        self.url = url
