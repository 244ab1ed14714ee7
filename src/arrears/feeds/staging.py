"""Set-based writes through a staging table, the same SQL on SQLite and PostgreSQL.

A feed's rows are ingested into a temporary table on the bulk connection; plain
SQL then compares them with the ledger (`CREATE TEMPORARY TABLE … AS SELECT`) and
writes them (`INSERT … SELECT … ON CONFLICT … DO UPDATE / DO NOTHING`). Both
databases accept this dialect. On SQLite an `INSERT … SELECT … ON CONFLICT` needs a
WHERE clause in the SELECT, or the parser reads ON CONFLICT as a join constraint:
hence the `WHERE TRUE` in the statements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa

from arrears.bulk import BulkConnection
from arrears.errors import EngineError
from arrears.feeds import columns as col
from arrears.feeds.runs import Progress

SQLITE_CACHE_KIB = 256 * 1024


def stage(db: BulkConnection, name: str, table: pa.Table) -> None:
    """Replace the temporary table `name` with `table` (created even when `table` is empty)."""
    if db.vendor == "sqlite":
        table = dates_as_text(table)
    db.ingest(name, table, mode="replace", temporary=True)
    db.analyze(name)


def dates_as_text(table: pa.Table) -> pa.Table:
    """Date columns as 'YYYY-MM-DD' and UTC instants as 'YYYY-MM-DD HH:MM:SS[.ffffff]', the way
    Django keeps them in SQLite."""
    for index, field in enumerate(table.schema):
        if pa.types.is_date32(field.type):
            table = table.set_column(index, pa.field(field.name, pa.string()), col.dates_as_text(table.column(index)))
        elif pa.types.is_timestamp(field.type):
            table = table.set_column(index, pa.field(field.name, pa.string()), col.instants_as_text(table.column(index)))
    return table



def instant_sql(db: BulkConnection, instant: dt.datetime) -> str:
    """An aware instant as an SQL literal of the type Django gives a DateTimeField (in SQLite, its text)."""
    utc = instant.astimezone(dt.UTC)
    if db.vendor == "sqlite":
        return f"'{utc.replace(tzinfo=None)}'"
    return f"CAST('{utc.isoformat()}' AS TIMESTAMP WITH TIME ZONE)"


def derive(db: BulkConnection, name: str, select: str) -> None:
    """Replace the temporary table `name` with the result of `select`."""
    db.execute(f"DROP TABLE IF EXISTS {name}")
    db.execute(f"CREATE TEMPORARY TABLE {name} AS {select}")
    db.analyze(name)


def differs(fields: tuple[str, ...], old: str, new: str) -> str:
    """SQL that is true when any of `fields` differs between two row aliases (columns are NOT NULL)."""
    return " OR ".join(f"{old}.{field} <> {new}.{field}" for field in fields)


def assignments(fields: tuple[str, ...]) -> str:
    return ", ".join(f"{field} = excluded.{field}" for field in fields)


def drop(db: BulkConnection, *names: str) -> None:
    for name in names:
        db.execute(f"DROP TABLE IF EXISTS {name}")


def fetch_as(db: BulkConnection, sql: str, schema: pa.Schema) -> pa.Table:
    """A query's result in `schema`: dates are read from SQLite's text, and an empty result
    from SQLite, which carries no types of its own, is cast."""
    table = db.fetch(sql)
    columns = {}
    for field in schema:
        column = table.column(field.name)
        if table.num_rows == 0:
            column = pa.array([], field.type)
        elif pa.types.is_date32(field.type) and pa.types.is_string(column.type):
            column = col.text_as_dates(column)
        columns[field.name] = column.cast(field.type)
    return pa.table(columns, schema=schema)


LOANS_NAMED = pa.schema([("loan_id", pa.string()), ("id", pa.int64()), ("start_date", pa.date32())])


def loans_named(db: BulkConnection, staged: str) -> pa.Table:
    """loan_id (external), id and start_date of the ledger's loans that the staged table `staged` names."""
    return fetch_as(
        db,
        "SELECT l.external_id AS loan_id, l.id, l.start_date FROM ledger_loan l "
        f"WHERE l.external_id IN (SELECT loan_id FROM {staged})",
        LOANS_NAMED,
    )


@contextmanager
def landing(db: BulkConnection, staged: tuple[str, ...], progress: Progress) -> Iterator[None]:
    """One transaction on `db` for a feed's rows: committed when the block ends, rolled back when it
    raises; the temporary tables `staged` are dropped either way."""
    try:
        yield
        progress.stage("提交", "committing")
        db.commit()
    except BaseException:
        db.rollback()
        raise
    finally:
        try:
            drop(db, *staged)
            db.commit()
        except Exception:  # the temporary tables go with the connection anyway
            db.rollback()


@contextmanager
def bulk_session(alias: str = "default") -> Iterator[BulkConnection]:
    """The bulk connection for a feed, refused inside a Django transaction on SQLite.

    On SQLite the bulk driver carries its own copy of the library, and Django's connection
    must be closed while it is open (docs/decisions/0004); `BulkConnection.for_django`
    closes it, which inside `transaction.atomic()` would silently end the caller's
    transaction, so that case is refused with a clear message instead.
    """
    from django.db import connections

    django_connection = connections[alias]
    if django_connection.vendor == "sqlite":
        if django_connection.in_atomic_block:
            raise EngineError(
                "批量导入不能在数据库事务中运行",
                "a bulk import cannot run inside a database transaction (transaction.atomic)",
            )
    with BulkConnection.for_django(alias) as db:
        if db.vendor == "sqlite":
            # A larger page cache (the default is 2 MiB) keeps the indexes being appended to in
            # memory: about twice as fast on a large feed, and bounded, unlike in-memory temp tables.
            db.execute(f"PRAGMA main.cache_size = -{SQLITE_CACHE_KIB}")
            db.execute(f"PRAGMA temp.cache_size = -{SQLITE_CACHE_KIB}")
        yield db
