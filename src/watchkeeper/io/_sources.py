"""One adapter per source, each turning its input into Arrow.

Frames (pandas, polars eager or lazy, Dask), Arrow tables, record batches and readers,
anything that exports an Arrow C stream (``__arrow_c_stream__``: DuckDB relations,
polars, nanoarrow, ...), and files (parquet, CSV, JSONL, and globs or lists of them,
local or behind an ``s3://``, ``gs://``, ``abfs://`` or ``https://`` URL, see
:mod:`watchkeeper.io._remote`) all become a :class:`pyarrow.Table`, or a stream of record
batches for data larger than memory.
"""

from __future__ import annotations

import codecs
import glob as globlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from watchkeeper._exceptions import InputError, MissingDependency
from watchkeeper.io._remote import RemoteFile, expand_urls, is_url

__all__ = [
    "FILE_FORMATS",
    "expand_paths",
    "expand_sources",
    "iter_batches",
    "read_table",
    "source_bytes",
    "to_table",
]

FILE_FORMATS = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}

PathLike = str | Path
FileRef = Path | RemoteFile


def expand_paths(source: PathLike | Sequence[PathLike]) -> list[Path]:
    """The files named by ``source``: a path, a glob pattern, or a list of either.

    >>> expand_paths("no/such/*.parquet")
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.InputError: no file matches 'no/such/*.parquet'; ...
    """
    items = [source] if isinstance(source, str | Path) else list(source)
    paths: list[Path] = []
    for item in items:
        text = str(item)
        if is_url(text):
            raise InputError(
                f"{text!r} is a URL and this step reads local files only; copy the file "
                "locally (watchkeeper report and read_table read URLs)"
            )
        if any(ch in text for ch in "*?["):
            matches = sorted(globlib.glob(text, recursive=True))
            if not matches:
                raise InputError(f"no file matches {text!r}; check the pattern and the folder")
            paths.extend(Path(m) for m in matches)
        else:
            path = Path(text)
            if not path.exists():
                raise InputError(f"file {text!r} does not exist; check the path")
            if path.is_dir():
                raise InputError(
                    f"{text!r} is a folder; name the files or a glob such as {text}/*.parquet"
                )
            paths.append(path)
    if not paths:
        raise InputError("no input files were given")
    return paths


def expand_sources(source: PathLike | Sequence[PathLike]) -> list[FileRef]:
    """Like :func:`expand_paths`, with URLs (``s3://bucket/*.parquet``) expanded too."""
    items = [source] if isinstance(source, str | Path) else list(source)
    files: list[FileRef] = []
    for item in items:
        files.extend(expand_urls(str(item)) if is_url(item) else expand_paths(item))
    if not files:
        raise InputError("no input files were given")
    return files


def source_bytes(source: PathLike | Sequence[PathLike]) -> int:
    """The total size in bytes of the files ``source`` names (local or by URL)."""
    return sum(
        f.size() if isinstance(f, RemoteFile) else f.stat().st_size for f in expand_sources(source)
    )


def _file_format(path: FileRef) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    for suffix in reversed(suffixes):
        if suffix in FILE_FORMATS:
            return FILE_FORMATS[suffix]
    known = ", ".join(sorted(FILE_FORMATS))
    raise InputError(f"file {str(path)!r} has an unknown format; use one of {known}")


def _read_file(path: FileRef, encoding: str = "utf-8") -> pa.Table:
    fmt = _file_format(path)
    handle: Any = path.open() if isinstance(path, RemoteFile) else path
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return pq.read_table(handle)
        if fmt == "csv":
            import pyarrow.csv as pcsv

            _reject_non_text(path, encoding)
            delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
            table = pcsv.read_csv(
                handle,
                read_options=pcsv.ReadOptions(encoding=encoding),
                parse_options=pcsv.ParseOptions(delimiter=delimiter),
            )
            _reject_binary(path, table.schema)
            return table
        import pyarrow.json as pjson

        return pjson.read_json(handle)
    except pa.ArrowInvalid as error:
        raise _explain(path, fmt, error) from None
    except UnicodeDecodeError:
        # Arrow hands back undecodable header bytes as they are; naming them fails.
        raise _not_utf8(path) from None
    except OSError as error:
        raise InputError(f"cannot read {fmt} file {str(path)!r}: {error}") from None


_SNIFF_BYTES = 1 << 16


def _reject_non_text(path: FileRef, encoding: str) -> None:
    """A CSV file is text: NUL bytes in its first 64 KiB mean a binary file was given.

    (UTF-16 and UTF-32 text holds NUL bytes, so those encodings are not sniffed.)
    """
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(
            f"unknown text encoding {encoding!r}; pass one Python knows, e.g. --encoding latin-1"
        ) from None
    if "16" in encoding or "32" in encoding:
        return
    if isinstance(path, RemoteFile):
        head = path.open().read(_SNIFF_BYTES)
    else:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    if b"\x00" in head:
        raise InputError(
            f"file {str(path)!r} is binary, not CSV text (it holds NUL bytes); "
            "give a CSV, parquet or JSONL file, or fix the file name's extension"
        )


def _not_utf8(path: FileRef) -> InputError:
    return InputError(
        f"file {str(path)!r} is not valid UTF-8 text; convert it (iconv -f latin1 -t utf-8) "
        "or pass its encoding (--encoding latin-1)"
    )


def _reject_binary(path: FileRef, schema: pa.Schema) -> None:
    """Arrow reads text that is not valid UTF-8 as binary; a person meant text."""
    try:
        for field in schema:
            if pa.types.is_binary(field.type) or pa.types.is_large_binary(field.type):
                raise InputError(
                    f"file {str(path)!r} is not valid UTF-8 text (column {field.name!r}); "
                    "convert it (iconv -f latin1 -t utf-8) "
                    "or pass its encoding (--encoding latin-1)"
                )
    except UnicodeDecodeError:  # the column name itself is not valid UTF-8
        raise _not_utf8(path) from None


def _explain(path: FileRef, fmt: str, error: Exception) -> InputError:
    text = str(error)
    if "UTF8" in text or "UTF-8" in text or "utf-8" in text:
        return InputError(
            f"file {str(path)!r} is not valid UTF-8 text; convert it (iconv -f latin1 -t utf-8) "
            "or pass its encoding (--encoding latin-1)"
        )
    size = path.size() if isinstance(path, RemoteFile) else path.stat().st_size
    if "Empty CSV" in text and size > 0:
        return InputError(
            f"file {str(path)!r} has no columns (no header row was found); "
            "its first line should name the columns, e.g. age,income"
        )
    if "Empty CSV" in text or "empty" in text.lower():
        return InputError(f"file {str(path)!r} is empty; it needs a header row and data")
    return InputError(f"file {str(path)!r} is not a readable {fmt} file: {text.splitlines()[0]}")


def _unify(tables: list[pa.Table], paths: Sequence[FileRef]) -> pa.Table:
    if len(tables) == 1:
        return tables[0]
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        names = ", ".join(str(p) for p in paths[:3])
        raise InputError(
            f"files {names}... do not share one schema ({error}); give files of one layout"
        ) from None


def read_table(source: PathLike | Sequence[PathLike], *, encoding: str = "utf-8") -> pa.Table:
    """Read a file, a glob or a list of files (local or by URL) into one Arrow table."""
    paths = expand_sources(source)
    return _unify([_read_file(p, encoding) for p in paths], paths)


def _from_pandas(obj: Any) -> pa.Table:
    try:
        return pa.Table.from_pandas(obj, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # Columns of mixed Python types (say numbers and strings) have no Arrow type;
        # keep them as text so the quality checks can report the mismatches.
        frame = obj.copy()
        for name in frame.columns:
            if frame[name].dtype == object:
                frame[name] = frame[name].map(lambda v: v if v is None else str(v))
        return pa.Table.from_pandas(frame, preserve_index=False)


def to_table(source: Any, *, encoding: str = "utf-8") -> pa.Table:
    """Any supported input as an Arrow table.

    Accepts a :class:`pyarrow.Table` or ``RecordBatch``, a pandas or polars
    ``DataFrame``, a mapping of column name to values, or a path, glob or list of paths.

    >>> to_table({"x": [1.0, 2.0]}).num_rows
    2
    """
    if isinstance(source, pa.Table):
        return source
    if isinstance(source, pa.RecordBatch):
        return pa.Table.from_batches([source])
    if isinstance(source, str | Path) or (
        isinstance(source, list | tuple) and source and isinstance(source[0], str | Path)
    ):
        return read_table(source, encoding=encoding)
    if isinstance(source, dict):
        try:
            return pa.table(source)
        except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as error:
            raise InputError(f"cannot turn the mapping into a table: {error}") from None
    if isinstance(source, pa.RecordBatchReader):
        return source.read_all()
    module = type(source).__module__.split(".")[0]
    if module == "pandas":
        return _from_pandas(source)
    if module == "polars":
        if type(source).__name__ == "LazyFrame":
            source = source.collect()
        try:
            return source.to_arrow()
        except ImportError:
            raise MissingDependency("pyarrow", "polars") from None
    if module == "dask":
        return _from_dask(source)
    if hasattr(source, "__arrow_c_stream__"):
        # The Arrow PyCapsule interface: DuckDB relations, nanoarrow, ADBC results, ...
        return pa.RecordBatchReader.from_stream(source).read_all()
    raise InputError(
        f"cannot read data of type {type(source).__name__}; give a pandas, polars or Dask "
        "DataFrame, a pyarrow Table, an object with __arrow_c_stream__ (a DuckDB relation), "
        "or a path or URL to a parquet, CSV or JSONL file"
    )


def _from_dask(frame: Any) -> pa.Table:
    """A Dask DataFrame, one partition at a time (never ``compute()`` of the whole)."""
    tables = [_from_pandas(part.compute()) for part in frame.to_delayed()]
    if not tables:
        return _from_pandas(frame._meta)
    return pa.concat_tables(tables, promote_options="permissive")


def iter_batches(
    source: PathLike | Sequence[PathLike], *, batch_size: int = 65_536, encoding: str = "utf-8"
) -> Iterator[pa.RecordBatch]:
    """Stream record batches from files without reading them whole into memory."""
    for path in expand_sources(source):
        fmt = _file_format(path)
        handle: Any = path.open() if isinstance(path, RemoteFile) else path
        try:
            if fmt == "parquet":
                import pyarrow.parquet as pq

                yield from pq.ParquetFile(handle).iter_batches(batch_size=batch_size)
            elif fmt == "csv":
                import pyarrow.csv as pcsv

                _reject_non_text(path, encoding)
                reader = pcsv.open_csv(
                    handle,
                    read_options=pcsv.ReadOptions(encoding=encoding, block_size=1 << 24),
                )
                _reject_binary(path, reader.schema)
                yield from reader
            else:
                yield from _read_file(path, encoding).to_batches(max_chunksize=batch_size)
        except pa.ArrowInvalid as error:
            raise _explain(path, fmt, error) from None
        except UnicodeDecodeError:
            raise _not_utf8(path) from None
