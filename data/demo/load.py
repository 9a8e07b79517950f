"""Bulk writing of generated rows, and emptying the operational tables.

The generator assigns every primary key itself, so children can point at parents without a
round trip (no RETURNING). Rows travel as columns (numpy arrays or lists) and are written in
chunks, so memory stays modest at any scale:

* SQLite: the DBAPI cursor's ``executemany`` with plain tuples (the fastest path sqlite3 has);
* PostgreSQL: psycopg 3 ``COPY … FROM STDIN``, then every id sequence is moved past the largest
  id written, so later ordinary inserts do not collide.

Both run on the caller's connection, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, Date, DateTime, Table, text

from data.models import MEETING_TABLES, OPERATIONAL_TABLES

CHUNK_ROWS = 20_000
# SQLite's default page cache (2 MB) makes index upkeep of a million-row load disk-bound; a
# larger cache for the duration of the load saves about a sixth of the time at scale 1.
SQLITE_LOAD_CACHE_KIB = 200_000

# SQLAlchemy's SQLite dialect stores DATETIME as this text; rows written around it must match,
# or its reads and text comparisons would disagree. PostgreSQL parses the same text.
_DATETIME_SUFFIX = ".000000"
_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True)
class Rows:
    """Rows of one table as named columns of equal length."""

    table: Table
    columns: dict[str, Any]  # numpy array or list per column name

    def __post_init__(self) -> None:
        lengths = {name: len(values) for name, values in self.columns.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"{self.table.name}: columns differ in length: {lengths}")
        unknown = set(self.columns) - set(self.table.columns.keys())
        if unknown:
            raise ValueError(f"{self.table.name}: no such columns {sorted(unknown)}")

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0


def as_db_values(values: Any, column_type: Any) -> list:
    """Column values as Python objects the DBAPI accepts (None for NULL, text for dates)."""
    if isinstance(values, list):
        if isinstance(column_type, DateTime):
            return [None if v is None else v.strftime(_DATETIME_FORMAT) for v in values]
        if isinstance(column_type, Date):
            return [None if v is None else v.isoformat() for v in values]
        return values
    array = np.asarray(values)
    if array.dtype.kind == "M":
        if isinstance(column_type, DateTime):
            as_text = np.datetime_as_string(array.astype("datetime64[s]"), unit="s")
            as_text = np.char.add(np.char.replace(as_text, "T", " "), _DATETIME_SUFFIX)
        elif isinstance(column_type, Date):
            as_text = np.datetime_as_string(array.astype("datetime64[D]"), unit="D")
        else:
            raise TypeError(f"datetime values for a {column_type!r} column")
        out = as_text.astype(object)
        out[np.isnat(array)] = None
        return out.tolist()
    if array.dtype.kind == "f":
        out = array.astype(object)
        out[np.isnan(array)] = None
        return out.tolist()
    return array.tolist()


class BulkWriter:
    """Writes :class:`Rows` on one connection and counts what it wrote per table."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        if self.dialect not in {"sqlite", "postgresql"}:
            raise NotImplementedError(f"bulk loading into {self.dialect} is not supported")
        self.counts: dict[str, int] = {}
        self._saved_cache_size: int | None = None
        if self.dialect == "sqlite":
            self._saved_cache_size = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
            conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_LOAD_CACHE_KIB}")

    def write(self, rows: Rows) -> None:
        names = list(rows.columns)
        for start in range(0, len(rows), CHUNK_ROWS):
            stop = start + CHUNK_ROWS
            chunk = [
                as_db_values(rows.columns[name][start:stop], rows.table.c[name].type)
                for name in names
            ]
            tuples = list(zip(*chunk, strict=True))
            if self.dialect == "sqlite":
                self._insert_sqlite(rows.table.name, names, tuples)
            else:
                self._copy_postgres(rows.table.name, names, tuples)
        self.counts[rows.table.name] = self.counts.get(rows.table.name, 0) + len(rows)

    def write_all(self, batches: Iterable[Rows]) -> None:
        for rows in batches:
            self.write(rows)

    def _dbapi(self) -> Any:
        return self.conn.connection.dbapi_connection

    def _insert_sqlite(self, table: str, names: Sequence[str], tuples: list[tuple]) -> None:
        marks = ", ".join("?" for _ in names)
        cursor = self._dbapi().cursor()
        try:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", tuples)
        finally:
            cursor.close()

    def _copy_postgres(self, table: str, names: Sequence[str], tuples: list[tuple]) -> None:
        with (
            self._dbapi().cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy,
        ):
            for row in tuples:
                copy.write_row(row)

    def finish(self) -> None:
        """Move PostgreSQL's id sequences past the ids written explicitly; give SQLite's
        pooled connection its usual cache back."""
        if self.dialect == "postgresql":
            reset_sequences(self.conn)
        elif self._saved_cache_size is not None:
            self.conn.exec_driver_sql(f"PRAGMA cache_size = {int(self._saved_cache_size)}")


def reset_sequences(conn: Connection) -> None:
    for table in OPERATIONAL_TABLES:
        if "id" not in table.c:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def delete_operational_rows(conn: Connection) -> None:
    """Empty every operational table, children first, inside the caller's transaction.

    Plain DELETE (not TRUNCATE) so that, on PostgreSQL, readers keep seeing the old data set
    until the new one commits instead of waiting on a table lock. (Deleting cases is fast
    because ``feedback_cases.duplicate_of_id`` is indexed: migration 0003.)
    """
    # The meetings discussed the data set being replaced (their conclusions are its tasks).
    for table in (*MEETING_TABLES, *OPERATIONAL_TABLES):
        conn.execute(table.delete())
