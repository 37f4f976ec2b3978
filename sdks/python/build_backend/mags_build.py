"""PEP 517 build backend of the mags Python SDK, standard library only.

pip builds a package in an isolated environment into which it installs the backend's own
requirements from an index; setuptools would have to be downloaded. This backend requires
nothing, so an offline `pip install ./sdks/python` works. It packs src/mags into a pure-Python
wheel and the source tree into an sdist.
"""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PACKAGE = os.path.join(_ROOT, "src", "mags")
_SDIST_FILES = ["pyproject.toml", "README.md", "build_backend/mags_build.py"]


def _project():
    """name, version, summary and requires-python from pyproject.toml's [project] table."""
    with open(os.path.join(_ROOT, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    table = text.split("[project]", 1)[1].split("\n[", 1)[0]
    fields = dict(re.findall(r'^([a-z-]+)\s*=\s*"([^"]*)"', table, re.M))
    return fields["name"], fields["version"], fields["description"], fields["requires-python"]


def _metadata():
    name, version, summary, requires = _project()
    with open(os.path.join(_ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return (f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {summary}\n"
            f"License: Apache-2.0\nRequires-Python: {requires}\n"
            f"Description-Content-Type: text/markdown\n\n{readme}")


def _dist_name():
    name, version, _, _ = _project()
    return re.sub(r"[-_.]+", "_", name), version


def _package_files():
    for base, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".pyc"):
                continue
            path = os.path.join(base, name)
            yield path, os.path.relpath(path, os.path.join(_ROOT, "src")).replace(os.sep, "/")


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    dist, version = _dist_name()
    info = f"{dist}-{version}.dist-info"
    wheel_name = f"{dist}-{version}-py3-none-any.whl"
    entries = []
    for path, arcname in _package_files():
        with open(path, "rb") as f:
            entries.append((arcname, f.read()))
    entries.append((f"{info}/METADATA", _metadata().encode()))
    entries.append((f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: mags_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"))
    entries.append((f"{info}/top_level.txt", b"mags\n"))
    record = [_record_line(a, d) for a, d in entries] + [f"{info}/RECORD,,"]
    entries.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode()))
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w", zipfile.ZIP_DEFLATED) as whl:
        for arcname, data in entries:
            whl.writestr(zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return wheel_name


def build_sdist(sdist_directory, config_settings=None):
    dist, version = _dist_name()
    base = f"{dist}-{version}"
    name = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as tar:
        for rel in _SDIST_FILES:
            tar.add(os.path.join(_ROOT, rel), arcname=f"{base}/{rel}")
        for path, arcname in _package_files():
            tar.add(path, arcname=f"{base}/src/{arcname}")
        data = _metadata().encode()
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return name
