"""Appending to the audit log: one entry, many at once through the ORM, or many through a bulk
(ADBC) connection inside the transaction that wrote the rows they describe.

    record("hold.placed", subject=f"loan:{loan_id}", detail={"hold": hold.pk, "kind": kind}, by=user)
    record_many([draft(...), ...])
    record_bulk(db, drafts)          # db: arrears.bulk.BulkConnection, before db.commit()

Appends are serialised on the chain's head row: PostgreSQL locks it (SELECT … FOR UPDATE); SQLite
has one writer at a time, and the product opens its transactions IMMEDIATE. An entry is written in
the same transaction as the change it records, so a crash keeps both or neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from arrears import clock
from arrears.audit import actor as actors
from arrears.audit.chain import GENESIS, Draft, Entry, canonical_detail, instant, link

BATCH = 2_000


def draft(kind: str, *, subject: str, detail: Mapping[str, Any] | None = None, by=None,
          at: dt.datetime | None = None, actor: str | None = None) -> Draft:
    """An entry to append: `subject` names what it is about (`loan:12`), `detail` ids and codes only."""
    who = actor if actor is not None else actors.name_of(by)
    return Draft(instant(at or clock.now()), kind, who[:150], subject[:80], canonical_detail(detail or {}))


def _locked_head():
    from arrears.audit.models import AuditHead

    head = AuditHead.objects.select_for_update().filter(id=1).first()
    if head is None:
        head, _ = AuditHead.objects.get_or_create(id=1, defaults={"seq": 0, "hash": GENESIS})
        head = AuditHead.objects.select_for_update().get(id=1)
    return head


def record_many(drafts: Iterable[Draft]) -> list[Entry]:
    """Append `drafts` in order, in one transaction (joining the caller's when there is one)."""
    from django.db import transaction

    from arrears.audit.models import AuditEntry, AuditHead

    drafts = list(drafts)
    if not drafts:
        return []
    with transaction.atomic():
        head = _locked_head()
        entries = link(drafts, after_seq=head.seq, after_hash=head.hash)
        AuditEntry.objects.bulk_create(
            [AuditEntry(seq=e.seq, at=e.at, kind=e.kind, actor=e.actor, subject=e.subject, detail=e.detail,
                        prev_hash=e.prev_hash, hash=e.hash) for e in entries],
            batch_size=BATCH,
        )
        AuditHead.objects.filter(id=1).update(seq=entries[-1].seq, hash=entries[-1].hash)
    return entries


def record(kind: str, *, subject: str, detail: Mapping[str, Any] | None = None, by=None,
           at: dt.datetime | None = None) -> Entry:
    return record_many([draft(kind, subject=subject, detail=detail, by=by, at=at)])[0]


def record_bulk(db, drafts: Sequence[Draft]) -> int:
    """Append through a bulk connection, in its open transaction; the caller commits. Locks the head
    first, so a concurrent writer waits for this commit."""
    import pyarrow as pa

    if not drafts:
        return 0
    if db.vendor == "postgresql":
        table = db.fetch("SELECT seq, hash FROM audit_audithead WHERE id = 1 FOR UPDATE")
    else:
        db.execute("UPDATE audit_audithead SET seq = seq WHERE id = 1")  # takes SQLite's write lock
        table = db.fetch("SELECT seq, hash FROM audit_audithead WHERE id = 1")
    if table.num_rows == 0:
        db.execute("INSERT INTO audit_audithead (id, seq, hash) VALUES (1, 0, ?)", [GENESIS])
        seq, previous = 0, GENESIS
    else:
        seq, previous = int(table.column("seq")[0].as_py()), table.column("hash")[0].as_py()
    entries = link(drafts, after_seq=seq, after_hash=previous)
    columns = ("seq", "at", "kind", "actor", "subject", "detail", "prev_hash", "hash")
    data = pa.table({name: [getattr(e, name) for e in entries] for name in columns},
                    schema=pa.schema([("seq", pa.int64())] + [(name, pa.string()) for name in columns[1:]]))
    db.ingest("audit_auditentry", data)
    db.execute("UPDATE audit_audithead SET seq = ?, hash = ? WHERE id = 1", [entries[-1].seq, entries[-1].hash])
    return len(entries)
