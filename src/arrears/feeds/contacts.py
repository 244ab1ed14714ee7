"""Importing the contacts feed: the calls and messages the lender's own dialer or message platform
made, as contact attempts the compliance guard counts like the product's own.

    outcome = import_contacts(Path("contacts.csv"))

A record is known by its source and record_id: its attempt's key is `feed:<source>:<record_id>`,
so the same record again is unchanged, and with different values it is rejected. Every row is
checked first (the file, then the ledger: the loan, the borrower's contact point, the records
held); then:

1. the attempts whose outcome changes nothing else land set-based on the bulk connection, in one
   transaction;
2. those whose outcome has an effect (a promise, a dispute, a request to stop the channel, a wrong
   number, a returned letter; arrears.contact.effects) land through Django, each with its effect
   in the same transaction as its attempt, so no such attempt is ever held without its effect.

The two steps cannot share one transaction: the bulk connection and Django's are two connections,
and on SQLite no ORM call may happen while the bulk one is open (docs/decisions/0004). Each step is
whole, and a file run again lands exactly what did not land before.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arrears import clock
from arrears.bulk import BulkConnection
from arrears.errors import InputError
from arrears.feeds import columns as col
from arrears.feeds.rejects import originals_of, write_rejects
from arrears.feeds.runs import FeedOutcome, Progress, Silent, open_run
from arrears.feeds.schemas import CONTACTS
from arrears.feeds.staging import bulk_session, fetch_as, instant_sql, landing, stage
from arrears.feeds.validation import (
    Checked,
    check_contacts,
    check_contacts_against_ledger,
    empty_contacts_ledger,
    merge_rejects,
    rejects_table,
)

WITH_EFFECTS = frozenset({"promise", "dispute", "stop_channel", "wrong_number", "returned_mail"})
"""The outcomes `arrears.contact.effects.apply_outcome` gives an effect when no contact point was confirmed."""
FEED_SOURCE = "feed"
_STAGED = ("feed_contact", "feed_contact_write")
_COMPARED = (
    "a.loan_id = l.id AND a.contact_point_id = c.id AND a.channel = s.channel AND a.party = s.party "
    "AND a.attempted_at = s.attempted_at AND a.outcome = s.outcome AND a.body = s.note "
    "AND COALESCE(a.duration_seconds, -1) = s.duration_seconds AND a.recording_ref = s.recording_ref "
    "AND a.recording_sha256 = s.recording_sha256 AND a.transcript = s.transcript"
)
_WRITTEN = (
    "idempotency_key", "loan_id", "contact_point_id", "channel", "party", "attempted_at", "outcome", "conversation",
    "rule", "as_of", "body", "duration_seconds", "recording_ref", "recording_sha256", "transcript", "content_findings",
)


def import_contacts(path: Path | str, *, encoding: str = "utf-8", progress: Progress | None = None) -> FeedOutcome:
    """Import a contacts file; InputError (and nothing lands) when the file cannot be read as a whole."""
    from django.conf import settings

    from arrears import secret
    from arrears.ledger.rotation import require_personal_data_rotated

    progress = progress or Silent()
    require_personal_data_rotated(secret.vault())
    raw, run = open_run(CONTACTS, path, encoding, progress)
    progress.stage("校验", "validating", raw.num_rows)
    from arrears.compliance.lender import lender_profile_name

    profile = lender_profile_name()
    checked = check_contacts(raw, now=clock.now(), zone=settings.TIME_ZONE, profile=profile)

    with bulk_session() as db, landing(db, _STAGED, progress):
        _stage_checked(db, checked.rows)
        checked = check_contacts_against_ledger(checked, _ledger(db))
        checked = Checked(rows=_with_findings(checked.rows, profile), rejects=checked.rejects, repeats=checked.repeats)
        progress.advance(raw.num_rows)
        with_effects = col.one_of(checked.rows.column("outcome").combine_chunks(), WITH_EFFECTS)
        plain = checked.rows.filter(pa.array(~with_effects))
        progress.stage("写入联系记录", "writing contact attempts", plain.num_rows)
        stage(db, "feed_contact_write", _attempts(plain))
        _write(db)
        progress.advance(plain.num_rows)

    effects = checked.rows.filter(pa.array(with_effects))
    progress.stage("联系结果生效", "applying the outcomes' effects", effects.num_rows)
    landed_with_effects, refused = land_with_effects(effects)
    progress.advance(effects.num_rows)
    final = Checked(rows=checked.rows, rejects=merge_rejects(checked.rejects, refused), repeats=checked.repeats)
    return run.close(
        rows_read=raw.num_rows,
        landed=plain.num_rows + landed_with_effects,
        updated=0,
        rejected=final.rejected_rows,
        rejects_path=write_rejects(run.source, final.rejects, originals_of(raw, final.rejects)),
    )


def _stage_checked(db: BulkConnection, rows: pa.Table) -> None:
    """The accepted rows, with what the ledger compares them by (no duration: -1)."""
    from arrears import secret
    from arrears.ledger import personal

    staged = rows.select(
        ["row", "idempotency_key", "loan_id", "kind", "channel", "party", "attempted_at", "outcome",
         "note", "recording_ref", "recording_sha256", "transcript"]
    )
    # the contact point is found by its value's digest: the value itself is never staged
    staged = staged.append_column(
        "contact_digest", personal.digest_column(secret.vault(), rows.column("contact"), personal.CONTACT))
    stage(db, "feed_contact", staged.append_column("duration_seconds", pc.fill_null(rows.column("duration_seconds"), -1)))


def _with_findings(rows: pa.Table, profile: str) -> pa.Table:
    """The accepted rows with their transcripts' content findings (JSON text), citing the regulation
    for the profile and each loan's product kind."""
    from arrears.feeds.transcripts import transcript_findings

    findings = transcript_findings(rows, profile=profile, products=rows.column("product_kind").combine_chunks())
    return rows.append_column("content_findings", findings)


def _ledger(db: BulkConnection) -> pa.Table:
    """Per staged row: its loan, the borrower's contact point it names, and the attempt held under its key.

    Each join finds one row at most: loans by external id, points by (borrower, kind, value) and
    attempts by key are unique."""
    return fetch_as(
        db,
        "SELECT s.row, l.id AS loan_pk, l.start_date, c.id AS point_id, c.owner, "
        "CASE WHEN a.id IS NULL THEN 0 ELSE 1 END AS held, "
        f"CASE WHEN {_COMPARED} THEN 1 ELSE 0 END AS same, p.kind AS product_kind "
        "FROM feed_contact s "
        "LEFT JOIN ledger_loan l ON l.external_id = s.loan_id "
        "LEFT JOIN ledger_product p ON p.id = l.product_id "
        "LEFT JOIN ledger_contactpoint c ON c.borrower_id = l.borrower_id AND c.kind = s.kind "
        "AND c.value_digest = s.contact_digest "
        "LEFT JOIN contact_contactattempt a ON a.idempotency_key = s.idempotency_key",
        empty_contacts_ledger().schema,
    )


def _attempts(rows: pa.Table) -> pa.Table:
    """The attempt each row becomes, in time order (so the ids follow it), in _WRITTEN's columns."""
    rows = rows.sort_by([("attempted_at", "ascending"), ("row", "ascending")])
    return pa.table(
        {
            "idempotency_key": rows.column("idempotency_key"),
            "loan_id": rows.column("loan_pk"),
            "contact_point_id": rows.column("point_id"),
            "channel": rows.column("channel"),
            "party": rows.column("party"),
            "attempted_at": rows.column("attempted_at"),
            "outcome": rows.column("outcome"),
            "conversation": rows.column("conversation"),
            "rule": pc.binary_join_element_wise("feed", rows.column("source"), "/"),
            "as_of": rows.column("as_of"),
            "body": rows.column("note"),
            "duration_seconds": rows.column("duration_seconds"),
            "recording_ref": rows.column("recording_ref"),
            "recording_sha256": rows.column("recording_sha256"),
            "transcript": rows.column("transcript"),
            "content_findings": rows.column("content_findings"),
        }
    )


def _write(db: BulkConnection) -> None:
    """Done attempts; the outbox's own columns empty (an attempt made elsewhere is never sent)."""
    from arrears.audit.events import attempts_written_in_bulk

    written = ", ".join(_WRITTEN)
    selected = written if db.vendor == "sqlite" else written.replace("content_findings", "CAST(content_findings AS jsonb)")
    created = instant_sql(db, clock.now())  # the product's clock, as every row a night writes
    before = db.fetch("SELECT COALESCE(MAX(id), 0) AS n FROM contact_contactattempt").column("n")[0].as_py()
    db.execute(
        f"INSERT INTO contact_contactattempt ({written}, template, state, segment, created_at, subject, tries, "
        "lease_owner, provider, provider_message_id, last_error, blocked_by, reasons_zh, reasons_en) "
        f"SELECT {selected}, '', 'done', '', {created}, '', 0, '', '', '', '', '', '', '' "
        "FROM feed_contact_write WHERE TRUE ON CONFLICT (idempotency_key) DO NOTHING"
    )
    # the attempts this import landed, logged in the same transaction, in bulk
    attempts_written_in_bulk(
        db, "contact.outcome",
        "id > ? AND idempotency_key IN (SELECT idempotency_key FROM feed_contact_write)", [before],
    )


def land_with_effects(rows: pa.Table) -> tuple[int, pa.Table]:
    """Land the attempts whose outcome has an effect, each with its effect, through Django: how many
    landed, and the rows refused (a rejects table).

    The rules have already refused every row `check_outcome` would; should an effect still refuse
    one, that row's attempt is rolled back with it and the row goes to the rejects file with the
    reason, so it can be sent again."""
    from django.db import transaction

    from arrears.contact.effects import OutcomeDetails, apply_outcome, check_outcome
    from arrears.contact.models import ContactAttempt

    landed, refused = 0, []
    if rows.num_rows == 0:
        return landed, rejects_table(refused)
    ordered = rows.sort_by([("attempted_at", "ascending"), ("row", "ascending")]).to_pylist()
    with transaction.atomic():
        held = _held_keys([row["idempotency_key"] for row in ordered])
        for row in ordered:
            if row["idempotency_key"] in held:  # another run landed it since the rows were checked
                continue
            details = OutcomeDetails(
                promise_amount=row["promise_amount"], promise_due=row["promise_date"],
                note=row["note"] or f"feed/{row['source']}: {row['record_id']}",
            )
            try:
                with transaction.atomic():
                    check_outcome(row["outcome"], channel=row["channel"], contact_point_id=row["point_id"],
                                  details=details, day=row["as_of"])
                    attempt = ContactAttempt.objects.create(
                        idempotency_key=row["idempotency_key"], loan_id=row["loan_pk"],
                        contact_point_id=row["point_id"], channel=row["channel"], party=row["party"],
                        state=ContactAttempt.State.DONE, attempted_at=row["attempted_at"], as_of=row["as_of"],
                        outcome=row["outcome"], conversation=row["conversation"], rule=f"feed/{row['source']}",
                        body=row["note"], duration_seconds=row["duration_seconds"],
                        recording_ref=row["recording_ref"], recording_sha256=row["recording_sha256"],
                        transcript=row["transcript"], content_findings=json.loads(row["content_findings"]),
                    )
                    apply_outcome(attempt, source=FEED_SOURCE, by=None, details=details)
            except InputError as error:
                refused.append((np.array([row["row"]], dtype=np.int64), "outcome", error.zh, error.en))
            else:
                landed += 1
    return landed, rejects_table(refused)


def _held_keys(keys: list[str]) -> set[str]:
    from arrears.contact.models import ContactAttempt

    held: set[str] = set()
    step = 5_000  # within every database's limit on bound parameters
    for start in range(0, len(keys), step):
        found = ContactAttempt.objects.filter(idempotency_key__in=keys[start : start + step])
        held.update(found.values_list("idempotency_key", flat=True))
    return held
