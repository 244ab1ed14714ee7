"""One small function per kind of event, so each entry point records the same facts the same way.

Every entry names ids and codes only: no name, number, address or free text of a borrower, so the
log never holds what retention must later delete (arrears.retention)."""

from __future__ import annotations

from collections.abc import Iterable

from arrears.audit.log import draft, record, record_bulk, record_many


def _attempt_detail(attempt, **extra) -> dict:
    return {
        "attempt": attempt.pk, "channel": attempt.channel, "party": attempt.party, "state": attempt.state,
        "outcome": attempt.outcome, "rule": attempt.rule, "blocked_by": attempt.blocked_by, "contact_point":
        attempt.contact_point_id, **extra,
    }


def contact_recorded(attempt, *, effects: Iterable[str] = (), by=None) -> None:
    """A contact made, with its outcome and the effects that outcome had."""
    record("contact.outcome", subject=f"loan:{attempt.loan_id}", by=by,
           detail=_attempt_detail(attempt, effects=sorted(effects)))


def contact_blocked(attempt, *, by=None) -> None:
    record("contact.blocked", subject=f"loan:{attempt.loan_id}", by=by, detail=_attempt_detail(attempt))


ATTEMPT_COLUMNS = ("id", "loan_id", "channel", "party", "state", "outcome", "rule", "blocked_by", "contact_point_id")


def attempt_changed(attempt_id: int, kind: str) -> None:
    """The outbox moved an attempt on (sent, failed, blocked when sent, review, a receipt's outcome)."""
    from arrears.contact.models import ContactAttempt

    row = ContactAttempt.objects.filter(pk=attempt_id).values(*ATTEMPT_COLUMNS).first()
    if row is not None:
        record_many([_attempt_draft(kind, row)])


def attempts_changed(kinds: dict[int, str]) -> int:
    """Many attempts the outbox moved on (attempt id -> kind), appended at once in id order, in
    the caller's transaction; how many entries."""
    from arrears.contact.models import ContactAttempt

    if not kinds:
        return 0
    rows = ContactAttempt.objects.filter(pk__in=list(kinds)).order_by("id").values(*ATTEMPT_COLUMNS)
    return len(record_many([_attempt_draft(kinds[row["id"]], row) for row in rows]))


def _attempt_draft(kind: str, row: dict, at=None):
    loan_id = row["loan_id"]
    detail = {("attempt" if k == "id" else "contact_point" if k == "contact_point_id" else k): v
              for k, v in row.items() if k != "loan_id"}
    return draft(kind, subject=f"loan:{loan_id}", detail=detail, at=at)


def attempts_written_in_bulk(db, kind: str, where_sql: str, parameters=()) -> int:
    """Entries for attempts a bulk write just made, read back through the same connection, in id order."""
    table = db.fetch(f"SELECT {', '.join(ATTEMPT_COLUMNS)} FROM contact_contactattempt WHERE {where_sql} ORDER BY id",
                     parameters)
    return record_bulk(db, [_attempt_draft(kind, row) for row in table.to_pylist()])


def hold_placed(hold, *, by=None) -> None:
    record("hold.placed", subject=f"loan:{hold.loan_id}", by=by,
           detail={"hold": hold.pk, "kind": hold.kind, "source": hold.source,
                   "until": hold.until.isoformat() if hold.until else None,
                   **({"agency": hold.scope_agency_id} if hold.scope_agency_id else {}),
                   **({"collector": hold.scope_collector_id} if hold.scope_collector_id else {}),
                   **({"channel": hold.scope_channel} if hold.scope_channel else {})})


def hold_released(hold, *, by=None) -> None:
    record("hold.released", subject=f"loan:{hold.loan_id}", by=by, detail={"hold": hold.pk, "kind": hold.kind})


def ledger_corrected(payment, *, dispute_id: int, by=None) -> None:
    """A correction posted to the ledger by a decided dispute (a waiver-channel payment row)."""
    record("ledger.correction", subject=f"loan:{payment.loan_id}", by=by,
           detail={"dispute": dispute_id, "payment": payment.pk, "amount": payment.amount,
                   "value_date": payment.value_date.isoformat()})


def opted_out(opt_out, *, blocked: int) -> None:
    record("contact.opt_out", subject=f"contact_point:{opt_out.contact_point_id}",
           detail={"opt_out": opt_out.pk, "channel": opt_out.channel, "source": opt_out.source,
                   "waiting_attempts_blocked": blocked})


def agency_accessed(accesses: Iterable) -> None:
    """Agency users' reads and writes of borrower data (the DataAccess rows just written)."""
    record_many([
        draft("agency.access", subject=f"placement:{a.placement_id}" if a.placement_id else f"agency:{a.agency_id}",
              actor=f"user:{a.user_id}", at=a.at,
              detail={"agency": a.agency_id, "action": a.action, "fields": a.fields, "via": a.via, "rows": a.rows})
        for a in accesses
    ])


def staff_list_read(user, what: str, loan_ids, *, via: str = "web") -> None:
    """One page of a list that shows personal data (the queue, search results, visits) read by the
    lender's staff: one entry per page view naming the loans listed; nothing when none was."""
    loans = sorted({int(loan_id) for loan_id in loan_ids})
    if loans:
        record("read.list", subject=f"list:{what}", by=user, detail={"loans": loans, "via": via})


def staff_read(user, what: str, *, subject: str, **detail) -> None:
    """A read of personal data by the lender's staff: an account page, unmasked contacts, a notice, an export."""
    record(f"read.{what}", subject=subject, by=user, detail=detail)
