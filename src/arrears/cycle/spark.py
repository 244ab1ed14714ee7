"""The Spark engine's session: where it runs, and the engine's inputs handed to it.

    backend = spark_backend()                   # ARREARS_SPARK_MASTER, ARREARS_SPARK_CONF
    names = load_into(backend, tables)          # cycle.tables: the three Arrow tables as views
    ...age_book(backend, names, day)...
    release(backend, names)

The product reads the ledger from its own database (`io.read_book`), as for DuckDB, and hands the
three tables to the session as Arrow; the executors age them, and the aged accounts come back to
the product as Arrow, which writes them to its database as on every night. The session stays open
for the process (a backfill ages day after day in one); it is stopped when the process ends.
See docs/spark.md.
"""

from __future__ import annotations

import functools

import pyarrow as pa

from arrears.errors import ConfigurationError

DEFAULT_MASTER = "local[*]"
# Days are day numbers and money whole fen: no time zone or float enters the engine's SQL, but
# the session is set to UTC all the same, as the product's stored times are.
DEFAULT_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def parse_conf(text: str | None) -> dict[str, str]:
    """`key=value` pairs separated by semicolons or new lines, as ARREARS_SPARK_CONF holds them."""
    conf: dict[str, str] = {}
    for item in (text or "").replace("\n", ";").split(";"):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigurationError(
                f"ARREARS_SPARK_CONF 中的设置无法识别：{item!r}（应为 键=值，以分号分隔）",
                f"ARREARS_SPARK_CONF: cannot read {item!r} (expected key=value pairs separated by semicolons)",
            )
        conf[key.strip()] = value.strip()
    return conf


def spark_session(master: str | None = None, conf: dict[str, str] | None = None):
    """The process's Spark session (made on first use; a later call with other settings gets the
    same session, as Spark keeps one a process)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise ConfigurationError(
            "spark 引擎需要 PySpark：请安装 arrears[spark]，并安装 Java 17",
            "the spark engine needs PySpark: install arrears[spark], and Java 17",
        ) from error
    builder = SparkSession.builder.master(master or DEFAULT_MASTER).appName("arrears nightly cycle")
    for key, value in {**DEFAULT_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except Exception as error:  # no Java, a master that does not answer: said plainly, not as a traceback
        raise ConfigurationError(
            f"无法启动 Spark 会话（{master or DEFAULT_MASTER}）：{error}",
            f"could not start a Spark session on {master or DEFAULT_MASTER}: {error}",
        ) from error


def spark_backend(session=None):
    """An Ibis PySpark backend over `session`, or over the session the settings describe."""
    import ibis

    if session is None:
        from django.conf import settings

        session = spark_session(settings.ARREARS_SPARK_MASTER, parse_conf(settings.ARREARS_SPARK_CONF))
    return ibis.pyspark.connect(session)


_KEPT: dict = {}  # the input frames the executors keep, by view name


@functools.cache
def _spark_schema(schema: pa.Schema):
    from pyspark.sql import types

    kinds = {pa.int64(): types.LongType(), pa.int32(): types.IntegerType(), pa.int16(): types.ShortType()}
    return types.StructType([types.StructField(field.name, kinds[field.type], True) for field in schema])


def without_empty_batches(table: pa.Table) -> pa.Table:
    """`table` without its empty record batches (no copy of the rows).

    PySpark 4.0 ships an Arrow table to the executors batch by batch, and the rows after an empty
    batch are lost: a book whose tables were put together from parts (a ledger without payments
    between two with payments) would reach Spark without the later parts' rows."""
    return pa.Table.from_batches([batch for batch in table.to_batches() if batch.num_rows], schema=table.schema)


def register(backend, name: str, table: pa.Table) -> None:
    """`table` shipped to the executors and kept there, as the temporary view `name`."""
    session = backend._session
    frame = session.createDataFrame(without_empty_batches(table), schema=_spark_schema(table.schema)) \
        if table.num_rows else session.createDataFrame([], schema=_spark_schema(table.schema))
    kept = frame.localCheckpoint(eager=True)
    kept.createOrReplaceTempView(name)
    _KEPT[name] = kept


def release(backend, names: dict[str, str]) -> None:
    """Drop the input views (and what the executors kept of them); the session stays open."""
    session = backend._session
    for name in names.values():
        session.catalog.dropTempView(name)
        kept = _KEPT.pop(name, None)
        if kept is not None:
            kept.unpersist()
