"""A digest of each product table, to show that two runs of the same nights left the same data.

    for table in digest_tables():
        print(table.name, table.rows, table.sha256)

Two databases, SQLite or PostgreSQL, that hold the same rows give the same digests:

- a row is digested by its values, normalised (`normalise`): instants as ISO 8601 in UTC, dates as
  ISO dates, whole numbers and Decimals as text, JSON with its keys sorted, None as a marker;
- a row's surrogate id is left out, and every reference to another row (a foreign key, or a column
  that holds another row's id) is replaced by that row's own digest: a run resumed after a kill may
  allocate other ids (a PostgreSQL sequence advances on an insert that was rolled back) and still
  hold the same data. A reference to a row outside the product (a user) is its natural key;
- a table's digest is the SHA-256 of its rows' digests in sorted order, so it does not depend on the
  order rows were written in.

Left out, because two runs of the same nights legitimately differ there: the timing of the runs
themselves (`RUN_TIMING`: when a night, a step, a cycle or a feed import started and finished, how
long it took, its peak memory, how many tries it took), the national id's cipher (random by design),
and how often a feed file was tried (`EACH_ATTEMPT`). A night's own rows are stamped with the
night's clock (`arrears.clock`), never the wall clock, so they are digested whole.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

NULL = "\x00null"
FIELD_SEPARATOR = "\x1f"

RUN_TIMING: dict[str, frozenset[str]] = {
    "nightly.nightlyrun": frozenset({"started_at", "finished_at"}),
    # counts: what the try that finished the step did; a step resumed after its work was done reports
    # that it added nothing (outbox "added 0"), so they say how the run went, not what the night made
    "nightly.nightlystep": frozenset({"started_at", "finished_at", "seconds", "peak_memory_mb", "tries", "counts"}),
    "cycle.cyclerun": frozenset({"started_at", "finished_at", "stage_seconds"}),
    "ledger.feedimport": frozenset({"started_at", "finished_at", "rows_read", "rows_landed", "rows_rejected",
                                    "rejects_path"}),
    "ledger.borrower": frozenset({"national_id_cipher"}),
    "credit.creditreport": frozenset({"created_at", "path"}),
}
"""Columns of the product's run records that say how a run went, not what it did; and the national id's
cipher, which is random by design (a fresh IV and the encryption's own timestamp each time it is
written): `national_id_digest` stands for it."""

RUN_LOGS: frozenset[str] = frozenset({"audit.auditentry", "audit.audithead"})
"""The audit log records each run as it happened, a run killed and resumed included (a step done
again may log again what it did), about rows whose ids may differ: not compared here;
`arrears audit verify` checks it."""

EACH_ATTEMPT: frozenset[str] = frozenset({"ledger.feedimport"})
"""Logs of attempts: every run of a feed file leaves a row, so a file imported again (it lands
nothing) or an import killed half-way adds one. Digested as the set of files imported."""

ID_COLUMNS: dict[str, dict[str, str]] = {
    "ledger.reschedule": {"plan_id": "plans.plan", "last_payment_id": "ledger.payment"},
    "workbench.queuerefresh": {"cycle_run_id": "cycle.cyclerun", "scores_import_id": "ledger.feedimport"},
}
"""Whole-number columns that hold another row's id without being a foreign key."""

SURROGATE_KEYS = frozenset({"AutoField", "BigAutoField", "SmallAutoField"})


@dataclass(frozen=True)
class TableDigest:
    name: str
    rows: int
    sha256: str

    def line(self, width: int = 0) -> str:
        return f"{self.name:<{width}}  {self.rows:>8}  {self.sha256}"


def normalise(value: object) -> str:
    """The text a value is digested as: the same on SQLite and PostgreSQL."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        instant = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return instant.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def row_digest(values: Iterable[str]) -> str:
    return hashlib.sha256(FIELD_SEPARATOR.join(values).encode("utf-8")).hexdigest()


def table_digest(name: str, row_digests: Iterable[str]) -> TableDigest:
    ordered = sorted(row_digests)
    return TableDigest(name, len(ordered), hashlib.sha256("\n".join(ordered).encode("ascii")).hexdigest())


def digest_tables() -> list[TableDigest]:
    """Every product table's digest, in the order of the tables' names."""
    reader = _Reader()
    tables = []
    for model in product_models():
        if model._meta.label_lower in RUN_LOGS:
            continue
        rows = reader.digests(model).values()
        if model._meta.label_lower in EACH_ATTEMPT:
            rows = set(rows)
        tables.append(table_digest(model._meta.db_table, rows))
    return tables


def product_models() -> list:
    """The models of the product's own apps (`arrears.*`), by table name; Django's own tables
    (sessions, migrations, users, permissions) and unmanaged models are not product tables."""
    from django.apps import apps

    models = [model for model in apps.get_models()
              if model.__module__.startswith("arrears.") and model._meta.managed and not model._meta.proxy]
    return sorted(models, key=lambda model: model._meta.db_table)


class _Reader:
    """Reads each table once and keeps its rows' digests by primary key, so a reference to a row
    is replaced by that row's digest whatever id it has."""

    def __init__(self) -> None:
        self._done: dict[str, dict[object, str]] = {}
        self._natural: dict[tuple[str, object], str] = {}

    def digests(self, model) -> dict[object, str]:
        label = model._meta.label_lower
        if label not in self._done:
            self._done[label] = {}  # a table that refers to itself, through another, reads its rows as unknown
            self._done[label] = dict(self._read(model))
        return self._done[label]

    def _read(self, model) -> Iterator[tuple[object, str]]:
        from django.apps import apps

        label = model._meta.label_lower
        left_out = RUN_TIMING.get(label, frozenset())
        id_columns = ID_COLUMNS.get(label, {})
        fields = [f for f in model._meta.concrete_fields if f.name not in left_out and f.attname not in left_out]
        pk = model._meta.pk
        surrogate = pk.get_internal_type() in SURROGATE_KEYS
        columns = [pk.attname] + [f.attname for f in fields if f is not pk or f.is_relation or not surrogate]
        references = {}
        for field in fields:
            if field.is_relation:
                references[field.attname] = field.related_model
            elif field.attname in id_columns:
                references[field.attname] = apps.get_model(id_columns[field.attname])
        rows = list(model._base_manager.order_by().values_list(*columns).iterator(chunk_size=5000))
        own = {row[0]: row for row in rows}
        digests: dict[object, str] = {}
        self._done[label] = digests
        resolving: set[object] = set()

        def digest_of(key) -> str:
            if key in digests:
                return digests[key]
            resolving.add(key)
            values = []
            for column, value in zip(columns[1:], own[key][1:], strict=True):
                target = references.get(column)
                if target is not None and value is not None:
                    if target is model:
                        value = NULL if value in resolving or value not in own else digest_of(value)
                    else:
                        value = self._reference(target, value)
                values.append(value if isinstance(value, str) and column in references else normalise(value))
            resolving.discard(key)
            digests[key] = row_digest(values)
            return digests[key]

        for key in own:
            digest_of(key)
        yield from digests.items()

    def _reference(self, target, key) -> str:
        if target.__module__.startswith("arrears."):
            return self.digests(target).get(key, f"missing:{target._meta.label_lower}")
        cached = (target._meta.label_lower, key)
        if cached not in self._natural:
            row = target._base_manager.filter(pk=key).first()
            natural = row.natural_key() if row is not None and hasattr(row, "natural_key") else (key,)
            self._natural[cached] = "/".join(normalise(part) for part in natural)
        return self._natural[cached]
