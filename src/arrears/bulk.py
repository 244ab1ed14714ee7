"""Moving whole tables between the database and Arrow, through ADBC drivers.

The batch (feeds, the nightly cycle) never reads or writes one row at a time: it
fetches Arrow tables and ingests Arrow tables. This module opens an ADBC
connection to whatever database Django is configured for (SQLite or PostgreSQL).

    with BulkConnection.for_django() as db:
        loans = db.fetch("SELECT id, principal FROM ledger_loan")
        db.ingest("cycle_accountstate", states, mode="append")

Writes from this connection are committed by `commit()`; they are not part of a
Django transaction. On SQLite, make no ORM call while it is open (see `for_django`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from arrears.errors import EngineError


class BulkConnection:
    """An ADBC connection to the project database, for whole-table reads and writes."""

    def __init__(self, *, vendor: str, target: str) -> None:
        if vendor not in ("sqlite", "postgresql"):
            raise EngineError(f"不支持的数据库：{vendor}", f"unsupported database vendor {vendor!r}")
        self.vendor = vendor
        self.target = target
        if vendor == "sqlite":
            import adbc_driver_sqlite.dbapi as driver

            self._conn = driver.connect(target)
            with self._conn.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout=30000")
        else:
            import adbc_driver_postgresql.dbapi as driver

            self._conn = driver.connect(target)

    @classmethod
    def for_django(cls, alias: str = "default") -> BulkConnection:
        from django.db import connections

        connection = connections[alias]
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            # The ADBC driver carries its own copy of SQLite. Two copies must never hold the same
            # file open in one process at once: their locks do not see each other, and one does
            # not see what the other wrote to the WAL. So Django's connection is closed first, and
            # no ORM call may happen while this connection is open; Django reopens on next use.
            connection.close()
            return cls(vendor="sqlite", target=str(settings["NAME"]))
        user = settings.get("USER") or "postgres"
        password = settings.get("PASSWORD") or ""
        auth = f"{user}:{password}@" if password else f"{user}@"
        host = settings.get("HOST") or "127.0.0.1"
        port = settings.get("PORT") or 5432
        return cls(vendor="postgresql", target=f"postgresql://{auth}{host}:{port}/{settings['NAME']}")

    def __enter__(self) -> BulkConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def commit(self) -> None:
        self._conn.commit()

    def rollback(self) -> None:
        self._conn.rollback()

    def _sql(self, sql: str) -> str:
        if self.vendor == "postgresql":
            counter = iter(range(1, 10_000))
            return re.sub(r"\?", lambda _match: f"${next(counter)}", sql)
        return sql

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> None:
        with self._conn.cursor() as cursor:
            cursor.execute(self._sql(sql), parameters=tuple(parameters) or None)

    def fetch(self, sql: str, parameters: Sequence[Any] = (), *, dates: Sequence[str] = ()) -> pa.Table:
        """Run a query and return an Arrow table; `dates` names columns to read as date32
        (SQLite keeps dates as ISO text)."""
        with self._conn.cursor() as cursor:
            cursor.execute(self._sql(sql), parameters=tuple(parameters) or None)
            table = cursor.fetch_arrow_table()
        for name in dates:
            index = table.schema.get_field_index(name)
            column = table.column(index)
            if not pa.types.is_date32(column.type):
                column = _to_date32(column)
            table = table.set_column(index, pa.field(name, pa.date32()), column)
        return table

    def ingest(self, table_name: str, data: pa.Table, *, mode: str = "append", temporary: bool = False) -> int:
        """Write an Arrow table in bulk; `mode` is append, create, replace or create_append."""
        if data.num_rows == 0 and mode == "append":
            return 0
        if self.vendor == "sqlite":
            data = _dates_as_text(data)
        elif mode == "append":
            data = data.cast(self._target_schema(table_name, data.column_names))
        with self._conn.cursor() as cursor:
            return cursor.adbc_ingest(table_name, data, mode=mode, temporary=temporary)

    def analyze(self, table_name: str) -> None:
        """Give PostgreSQL the statistics of a table just filled: it never analyses temporary
        tables by itself, and without statistics it plans joins against the ledger for a few
        hundred rows instead of a million (SQLite plans from its indexes alone)."""
        if self.vendor == "postgresql":
            self.execute(f"ANALYZE {table_name}")

    def _target_schema(self, table_name: str, names: list[str]) -> pa.Schema:
        """PostgreSQL's binary COPY needs each column in the table's exact type (int4 vs int8…)."""
        with self._conn.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(names)} FROM {table_name} WHERE 1 = 0")
            return cursor.fetch_arrow_table().schema



def _to_date32(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_timestamp(column.type):
        return pc.cast(column, pa.date32())
    # a book has few distinct dates: parse each once, then spread them back over the rows
    encoded = pc.dictionary_encode(pc.cast(column, pa.string())).combine_chunks()
    parsed = pc.cast(pc.strptime(encoded.dictionary, format="%Y-%m-%d", unit="s"), pa.date32())
    return pa.chunked_array([pc.take(parsed, encoded.indices)])


def _dates_as_text(data: pa.Table) -> pa.Table:
    """SQLite keeps Django DateFields as 'YYYY-MM-DD' text: write dates the same way."""
    for index, field in enumerate(data.schema):
        if pa.types.is_date32(field.type):
            encoded = pc.dictionary_encode(data.column(index)).combine_chunks()
            text = pc.take(pc.strftime(encoded.dictionary, format="%Y-%m-%d"), encoded.indices)
            data = data.set_column(index, pa.field(field.name, pa.string()), text)
    return data
