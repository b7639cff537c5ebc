"""Files behind a URL: ``s3://``, ``gs://``, ``abfs://``, ``hdfs://``, ``https://``.

Object stores go through pyarrow's own filesystems (``pyarrow.fs.FileSystem.from_uri``),
which read the standard variables themselves: ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, ``AWS_REGION`` / ``AWS_DEFAULT_REGION``,
``AWS_ENDPOINT_URL`` (and ``AWS_ENDPOINT_URL_S3``) for S3 and S3-compatible stores,
``GOOGLE_APPLICATION_CREDENTIALS`` for GCS, ``AZURE_STORAGE_ACCOUNT_NAME`` /
``AZURE_STORAGE_ACCOUNT_KEY`` for Azure. ``http://`` and ``https://`` files are fetched
whole with the standard library (no globs). Any other scheme (``az://``, ``memory://``,
...) goes through fsspec when it is installed (``pip install 'watchkeeper[remote]'``),
wrapped for Arrow.

A glob (``s3://bucket/day=*/part-*.parquet``) lists the folder before the first
wildcard and keeps the names that match.

>>> is_url("s3://bucket/ref.parquet"), is_url("data/ref.parquet"), is_url("C:/data.csv")
(True, False, False)
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from watchkeeper._exceptions import InputError, MissingDependency

__all__ = ["RemoteFile", "expand_urls", "is_url"]

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]+://")
# Schemes pyarrow reads natively; the rest go through fsspec.
_ARROW_SCHEMES = {"s3", "gs", "gcs", "abfs", "abfss", "hdfs", "file"}
_HTTP_SCHEMES = {"http", "https"}
_HTTP_TIMEOUT = 60.0


def is_url(text: object) -> bool:
    """Whether ``text`` names a file by URL (a scheme of two or more letters)."""
    return isinstance(text, str | Path) and _URL.match(str(text)) is not None


class RemoteFile:
    """One file behind a URL: its name (for messages and formats) and how to open it."""

    def __init__(self, url: str, filesystem: Any, path: str) -> None:
        self.url = url
        self.filesystem = filesystem  # None: fetched over HTTP
        self.path = path
        self._body: bytes | None = None

    @property
    def name(self) -> str:
        return self.url

    @property
    def suffixes(self) -> list[str]:
        leaf = self.path.rsplit("/", 1)[-1]
        parts = leaf.split(".")
        return ["." + p for p in parts[1:]]

    @property
    def suffix(self) -> str:
        return self.suffixes[-1] if self.suffixes else ""

    def _fetch(self) -> bytes:
        if self._body is None:
            import urllib.error
            import urllib.request

            try:
                with urllib.request.urlopen(self.url, timeout=_HTTP_TIMEOUT) as response:
                    self._body = bytes(response.read())
            except (urllib.error.URLError, OSError) as error:
                raise InputError(f"cannot read {self.url!r}: {error}") from None
        return self._body

    def size(self) -> int:
        import pyarrow.fs as pafs

        if self.filesystem is None:
            return len(self._fetch())
        info = self.filesystem.get_file_info(self.path)
        return 0 if info.type != pafs.FileType.File else int(info.size)

    def open(self) -> Any:
        """A seekable Arrow input file."""
        if self.filesystem is None:
            return pa.BufferReader(self._fetch())
        try:
            return self.filesystem.open_input_file(self.path)
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"cannot read {self.url!r}: {_first_line(error)}") from None

    def __str__(self) -> str:
        return self.url


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _filesystem(url: str) -> tuple[Any, str]:
    scheme = url.split("://", 1)[0].lower()
    if scheme in _ARROW_SCHEMES:
        import pyarrow.fs as pafs

        try:
            filesystem, path = pafs.FileSystem.from_uri(url)
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"cannot open {url!r}: {_first_line(error)}") from None
        return filesystem, str(path)
    try:
        import fsspec
        from pyarrow.fs import FSSpecHandler, PyFileSystem
    except ImportError:
        raise MissingDependency("fsspec", "remote") from None
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as error:
        raise InputError(f"cannot open {url!r}: {_first_line(error)}") from None
    return PyFileSystem(FSSpecHandler(fs)), path


def expand_urls(url: str) -> list[RemoteFile]:
    """The files a URL names: itself, or every match of its glob.

    Raises :class:`InputError` naming the URL when nothing is there.
    """
    import pyarrow.fs as pafs

    if url.split("://", 1)[0].lower() in _HTTP_SCHEMES:
        return [RemoteFile(url, None, url.split("?", 1)[0])]
    filesystem, path = _filesystem(url)
    if not any(ch in path for ch in "*?["):
        try:
            info = filesystem.get_file_info(path)
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"cannot read {url!r}: {_first_line(error)}") from None
        if info.type == pafs.FileType.NotFound:
            raise InputError(f"file {url!r} does not exist; check the bucket and key")
        if info.type == pafs.FileType.Directory:
            raise InputError(f"{url!r} is a folder; name the files or a glob such as {url}/*")
        return [RemoteFile(url, filesystem, path)]
    wildcard = min(path.index(ch) for ch in "*?[" if ch in path)
    base = path[:wildcard].rsplit("/", 1)[0]
    try:
        infos = filesystem.get_file_info(pafs.FileSelector(base, recursive=True))
    except (OSError, pa.ArrowException) as error:
        raise InputError(f"cannot list {url!r}: {_first_line(error)}") from None
    prefix = url[: len(url) - len(path)]
    found = sorted(
        info.path
        for info in infos
        if info.type == pafs.FileType.File and fnmatch.fnmatchcase(info.path, path)
    )
    if not found:
        raise InputError(f"no file matches {url!r}; check the pattern and the bucket")
    return [RemoteFile(prefix + p, filesystem, p) for p in found]
