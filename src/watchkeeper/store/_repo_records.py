"""Records, their features (Arrow IPC per batch and window), labels and host metrics.

A batch is one transaction: the record rows (``INSERT ... ON CONFLICT DO NOTHING``
on the per-model unique record id, so a replayed batch stores nothing twice), the
features of the records that were new, and the per-window counters. It is committed
before :meth:`RecordRepository.ingest_batch` returns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Select, bindparam, case, select, update

from watchkeeper.store._base import RepositoryBase
from watchkeeper.store._rows import LabelTarget
from watchkeeper.store._tables import host_metrics, records, window_data, windows
from watchkeeper.store._types import from_micros

__all__ = ["RECORD_COLUMNS", "BlobBuilder", "RecordRepository", "RecordTuple", "WindowKey"]

# The order of a record's values as ingest_batch takes them.
RECORD_COLUMNS = (
    "record_id",
    "ts",
    "window_start",
    "segment",
    "prediction",
    "score",
    "scores",
    "latency_ms",
    "error",
)
RecordTuple = tuple[Any, ...]
# The model and version are written in, so that the rows go as they are (sqlite3 caches
# the statement per text: one per model and version).
_SQLITE_INSERT_FOR = (
    "INSERT INTO wk_records (model_id, version_id, "
    + ", ".join(RECORD_COLUMNS)
    + ") VALUES ({model_id:d}, {version_id:d}, "
    + ", ".join("?" * len(RECORD_COLUMNS))
    + ") ON CONFLICT (model_id, record_id) DO NOTHING"
)
_PG_COLUMNS = "model_id, version_id, " + ", ".join(RECORD_COLUMNS)
# Per connection, emptied at every commit; "pg_temp" keeps it out of the search path.
_PG_INCOMING = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS wk_incoming (model_id integer, version_id integer, "
    "record_id varchar(200), ts bigint, window_start bigint, segment varchar(500), "
    "prediction text, score double precision, scores text, latency_ms double precision, "
    "error boolean) ON COMMIT DELETE ROWS"
)
_PG_COPY = f"COPY pg_temp.wk_incoming ({_PG_COLUMNS}) FROM STDIN"
_PG_MOVE = (
    f"INSERT INTO wk_records ({_PG_COLUMNS}) SELECT {_PG_COLUMNS} FROM pg_temp.wk_incoming "
    "ON CONFLICT (model_id, record_id) DO NOTHING RETURNING record_id"
)

# (version_id, segment, window_start in microseconds)
WindowKey = tuple[int, str, int]
# Given the ids that were new, the feature blobs to store: (window_start, n_rows, bytes).
BlobBuilder = Callable[[set[str]], Sequence[tuple[int, int, bytes]]]

_IN_CHUNK = 500


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stored_records(model_id: int, ids: Sequence[str]) -> Select[Any]:
    """The stored records among ``ids`` (at most :data:`_IN_CHUNK`): id, window, label."""
    return select(
        records.c.record_id,
        records.c.version_id,
        records.c.window_start,
        records.c.segment,
        records.c.label,
    ).where(records.c.model_id == model_id, records.c.record_id.in_(ids))


# (dialect, column) -> the window upsert of RecordRepository._bump_statement.
_BUMP_STATEMENTS: dict[tuple[str, str], Any] = {}


class RecordRepository(RepositoryBase):
    def _bump_windows(
        self,
        connection: Connection,
        model_id: int,
        counts: Mapping[WindowKey, int],
        window_us: int,
        column: str,
    ) -> None:
        """Add ``counts`` to the windows' ``column`` (creating open windows as needed).

        A change to a window that is already closed flags it for recomputation.
        """
        if not counts:
            return
        values = [
            {
                "model_id": model_id,
                "version_id": version_id,
                "segment": segment,
                "start": from_micros(start),
                "end": from_micros(start + window_us),
                "status": "open",
                "n_records": n if column == "n_records" else 0,
                "n_labels": n if column == "n_labels" else 0,
                "needs_recompute": False,
            }
            for (version_id, segment, start), n in sorted(counts.items())
        ]
        connection.execute(self._bump_statement(column), values)

    def _bump_statement(self, column: str) -> Any:
        """The upsert of :meth:`_bump_windows`, built once a column and dialect.

        One single-row statement run with executemany: SQLAlchemy compiles and caches it
        once, where a multi-row VALUES would be compiled again for every batch; and it is
        kept, because building it (``excluded`` makes a proxy of every column of the
        table) cost more than running it for a batch of one record.
        """
        key = (self.engine.dialect.name, column)
        statement = _BUMP_STATEMENTS.get(key)
        if statement is None:
            insert = self._insert(windows)
            statement = insert.on_conflict_do_update(
                index_elements=["model_id", "version_id", "segment", "start"],
                set_={
                    column: windows.c[column] + insert.excluded[column],
                    "needs_recompute": case(
                        (windows.c.status == "closed", True), else_=windows.c.needs_recompute
                    ),
                },
            )
            _BUMP_STATEMENTS[key] = statement
        return statement

    def _insert_sqlite(
        self, connection: Connection, model_id: int, version_id: int, rows: Sequence[RecordTuple]
    ) -> set[str]:
        """SQLite's C ``executemany``, several times faster than building statements here.

        SQLite admits one writer at a time and this transaction holds the write lock
        from its first INSERT, so the rows it adds have consecutive rowids ending at
        ``last_insert_rowid()``: when some were duplicates, those rowids say which were new.
        """
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            statement = _SQLITE_INSERT_FOR.format(model_id=model_id, version_id=version_id)
            cursor.executemany(statement, rows)
            added = cursor.rowcount
            # executemany leaves cursor.lastrowid unset; SQLite's own counter is right.
            last = cursor.execute("SELECT last_insert_rowid()").fetchone()[0]
        finally:
            cursor.close()
        if added == len(rows):
            return set(map(itemgetter(0), rows))
        if added <= 0:
            return set()
        query = select(records.c.record_id).where(
            records.c.id > last - added, records.c.id <= last, records.c.model_id == model_id
        )
        return set(connection.execute(query).scalars())

    def _insert_postgres(
        self, connection: Connection, model_id: int, version_id: int, rows: Sequence[RecordTuple]
    ) -> set[str]:
        """COPY into a temporary table, then one INSERT ... ON CONFLICT DO NOTHING RETURNING.

        COPY is PostgreSQL's bulk path; row-by-row parameters cost several times more.
        """
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(_PG_INCOMING)
            with cursor.copy(_PG_COPY) as copy:
                for row in rows:
                    copy.write_row((model_id, version_id, *row))
            cursor.execute(_PG_MOVE)
            return {found[0] for found in cursor.fetchall()}
        finally:
            cursor.close()

    def _insert_returning(
        self, connection: Connection, model_id: int, version_id: int, rows: Sequence[RecordTuple]
    ) -> set[str]:
        statement = (
            self._insert(records)
            .on_conflict_do_nothing(index_elements=["model_id", "record_id"])
            .returning(records.c.record_id)
        )
        params = [
            {
                "model_id": model_id,
                "version_id": version_id,
                **dict(zip(RECORD_COLUMNS, row, strict=True)),
            }
            for row in rows
        ]
        inserted: set[str] = set()
        for chunk in _chunks(params, 1000):
            inserted.update(connection.execute(statement, list(chunk)).scalars())
        return inserted

    def ingest_batch(
        self,
        model_id: int,
        version_id: int,
        rows: Sequence[RecordTuple],
        blobs: BlobBuilder,
        window_us: int,
    ) -> set[str]:
        """Store the new records of ``rows``; the ids that were new (the rest are duplicates).

        Each row is a tuple in the order of :data:`RECORD_COLUMNS`, with distinct ids.
        """
        if not rows:
            return set()
        with self.engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                inserted = self._insert_sqlite(connection, model_id, version_id, rows)
            elif connection.dialect.driver == "psycopg":
                inserted = self._insert_postgres(connection, model_id, version_id, rows)
            else:
                inserted = self._insert_returning(connection, model_id, version_id, rows)
            if not inserted:
                return inserted
            new = rows if len(inserted) == len(rows) else [r for r in rows if r[0] in inserted]
            counts: Counter[WindowKey] = Counter()
            for start, n in Counter(map(itemgetter(2), new)).items():
                counts[(version_id, "", start)] += n
            if any(map(itemgetter(3), new)):
                for row in new:
                    if row[3]:
                        counts[(version_id, row[3], row[2])] += 1
            blob_rows = [
                {
                    "model_id": model_id,
                    "version_id": version_id,
                    "window_start": start,
                    "n_rows": n,
                    "data": data,
                }
                for start, n, data in blobs(inserted)
            ]
            if blob_rows:
                connection.execute(window_data.insert(), blob_rows)
            self._bump_windows(connection, model_id, counts, window_us, "n_records")
        return inserted

    # labels

    def label_targets(self, model_id: int, ids: Sequence[str]) -> dict[str, LabelTarget]:
        """The stored records among ``ids``, with their window and current label."""
        found: dict[str, LabelTarget] = {}
        with self.engine.connect() as connection:
            for chunk in _chunks(list(dict.fromkeys(ids)), _IN_CHUNK):
                for row in connection.execute(stored_records(model_id, chunk)):
                    found[row.record_id] = LabelTarget(
                        row.record_id, row.version_id, row.window_start, row.segment, row.label
                    )
        return found

    def _mark(self, connection: Connection, model_id: int, keys: Iterable[WindowKey]) -> None:
        for version_id, segment, start in sorted(set(keys)):
            connection.execute(
                update(windows)
                .where(
                    windows.c.model_id == model_id,
                    windows.c.version_id == version_id,
                    windows.c.segment == segment,
                    windows.c.start == from_micros(start),
                    windows.c.status == "closed",
                )
                .values(needs_recompute=True)
            )

    def apply_labels(
        self,
        model_id: int,
        labels: Sequence[tuple[str, str]],
        new_labels: Mapping[WindowKey, int],
        corrected: Iterable[WindowKey],
        at: datetime,
        window_us: int,
    ) -> None:
        """Write ``(record_id, label JSON)`` pairs in one transaction.

        ``new_labels`` counts first labels per window (a closed window is flagged for
        recomputation); ``corrected`` names windows where a label changed value.
        """
        if not labels:
            return
        statement = (
            update(records)
            .where(
                records.c.model_id == bindparam("m"),
                records.c.record_id == bindparam("rid"),
            )
            .values(label=bindparam("lab"), labeled_at=bindparam("at"))
        )
        params = [{"m": model_id, "rid": rid, "lab": label, "at": at} for rid, label in labels]
        with self.engine.begin() as connection:
            connection.execute(statement, params)
            self._bump_windows(connection, model_id, new_labels, window_us, "n_labels")
            self._mark(connection, model_id, corrected)

    def mark_recompute(self, model_id: int, keys: Iterable[WindowKey]) -> None:
        with self.engine.begin() as connection:
            self._mark(connection, model_id, keys)

    # host metrics

    def insert_host_metrics(
        self, model_id: int, version_id: int, points: Sequence[Mapping[str, Any]]
    ) -> None:
        rows = [
            {
                "model_id": model_id,
                "version_id": version_id,
                "ts": p["ts"],
                "cpu_percent": p.get("cpu_percent"),
                "memory_bytes": p.get("memory_bytes"),
                "dropped": int(p.get("dropped") or 0),
            }
            for p in points
        ]
        if rows:
            with self.engine.begin() as connection:
                connection.execute(host_metrics.insert(), rows)

    # what closing a window reads

    def window_blobs(self, model_id: int, version_id: int, window_start: int) -> list[bytes]:
        query = (
            select(window_data.c.data)
            .where(
                window_data.c.model_id == model_id,
                window_data.c.version_id == version_id,
                window_data.c.window_start == window_start,
            )
            .order_by(window_data.c.id)
        )
        with self.engine.connect() as connection:
            return [bytes(data) for data in connection.execute(query).scalars()]

    def records_by_id(self, model_id: int, ids: Sequence[str]) -> dict[str, list[Any]]:
        """The stored outputs and labels of the records ``ids``, as columns in that order.

        Ids that are not stored are left out.
        """
        names = ("record_id", "prediction", "score", "scores", "latency_ms", "error", "label")
        found: dict[str, Any] = {}
        with self.engine.connect() as connection:
            for chunk in _chunks(list(ids), _IN_CHUNK):
                query = select(*(records.c[name] for name in names)).where(
                    records.c.model_id == model_id, records.c.record_id.in_(chunk)
                )
                for row in connection.execute(query):
                    found[row[0]] = row
        ordered = [found[i] for i in ids if i in found]
        return {name: [row[k] for row in ordered] for k, name in enumerate(names)}

    def host_points(
        self, model_id: int, version_id: int, start: int, end: int
    ) -> list[tuple[float | None, float | None, int]]:
        query = select(
            host_metrics.c.cpu_percent, host_metrics.c.memory_bytes, host_metrics.c.dropped
        ).where(
            host_metrics.c.model_id == model_id,
            host_metrics.c.version_id == version_id,
            host_metrics.c.ts >= start,
            host_metrics.c.ts < end,
        )
        with self.engine.connect() as connection:
            return [(r[0], r[1], int(r[2])) for r in connection.execute(query)]
