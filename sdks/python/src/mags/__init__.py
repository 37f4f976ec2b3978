"""Python client of the mags REST API: ``from mags import Mags``.

The methods, their names and keyword arguments are those of the reference Mags Python SDK, so
code written for it runs against a mags server once MAGS_API_URL names that server.
"""
from ._client import Mags
from ._errors import MagsError

__all__ = ["Mags", "MagsError"]
__version__ = "0.1.0"
