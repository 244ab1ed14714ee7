"""Importing the payments feed, in bulk.

    outcome = import_payments(Path("payments.csv"))

A payment is known by its reference: the same reference with the same content is
skipped (the file, or a row of it, was sent again); with different content it is
rejected. Payments land first and reversals after them, so a reversal may name a
payment of the same file. Nothing is ever updated: a wrong payment is corrected by
reversing it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa

from arrears.bulk import BulkConnection
from arrears.feeds.readers import file_digest, read_feed
from arrears.feeds.rejects import originals_of, write_rejects
from arrears.feeds.runs import FeedOutcome, Progress, Silent, begin_run, finish_run
from arrears.feeds.schemas import PAYMENTS
from arrears.feeds.staging import bulk_session, drop, fetch_as, stage
from arrears.feeds.validation import LedgerView, check_payments, check_payments_against_ledger, empty_recorded

LOANS_NAMED = pa.schema([("loan_id", pa.string()), ("id", pa.int64()), ("start_date", pa.date32())])
_STAGED = ("feed_payment", "feed_payment_write")


def import_payments(path: Path | str, *, encoding: str = "utf-8", progress: Progress | None = None) -> FeedOutcome:
    """Import a payments file; InputError (and nothing lands) when the file cannot be read as a whole."""
    began = time.perf_counter()
    progress = progress or Silent()
    source = Path(path).resolve()
    progress.stage("读取文件", "reading the file")
    raw = read_feed(source, PAYMENTS, encoding=encoding)
    digest = file_digest(source)
    run_id = begin_run(PAYMENTS.kind, source, digest)
    progress.stage("校验", "validating", raw.num_rows)
    checked = check_payments(raw)

    with bulk_session() as db:
        try:
            stage(db, "feed_payment", checked.rows.select(["reference", "loan_id", "reverses"]))
            ledger = LedgerView(loans=_loans_named(db), recorded=_recorded(db))
            checked = check_payments_against_ledger(checked, ledger)
            progress.advance(raw.num_rows)
            progress.stage("写入付款", "writing payments", checked.rows.num_rows)
            stage(db, "feed_payment_write", checked.rows.drop_columns(["row"]))
            _write(db)
            progress.advance(checked.rows.num_rows)
            progress.stage("提交", "committing")
            db.commit()
        except BaseException:
            db.rollback()
            raise
        finally:
            drop(db, *_STAGED)
            db.commit()

    rejects_path = write_rejects(source, checked.rejects, originals_of(raw, checked.rejects))
    rejected = checked.rejected_rows
    outcome = FeedOutcome(
        kind=PAYMENTS.kind,
        source=source,
        digest=digest,
        rows_read=raw.num_rows,
        landed=checked.rows.num_rows,
        updated=0,
        unchanged=raw.num_rows - checked.rows.num_rows - rejected,
        rejected=rejected,
        rejects_path=rejects_path,
        seconds=time.perf_counter() - began,
    )
    finish_run(run_id, outcome)
    return outcome


def _loans_named(db: BulkConnection) -> pa.Table:
    return fetch_as(
        db,
        "SELECT l.external_id AS loan_id, l.id, l.start_date FROM ledger_loan l "
        "WHERE l.external_id IN (SELECT loan_id FROM feed_payment)",
        LOANS_NAMED,
    )


def _recorded(db: BulkConnection) -> pa.Table:
    """Payments recorded under the file's references, or named by its reversals.

    Two indexed lookups joined with UNION ALL: one query with `IN … OR IN …` makes SQLite
    scan every payment held. A payment found by both appears twice, which is harmless to
    the checks (they look up the first).
    """
    columns = (
        "p.reference, l.external_id AS loan_id, p.amount, p.value_date, p.channel, "
        "COALESCE(o.reference, '') AS reverses, COALESCE(r.reference, '') AS reversed_by"
    )
    joins = (
        "JOIN ledger_loan l ON l.id = p.loan_id "
        "LEFT JOIN ledger_payment o ON o.id = p.reverses_id "
        "LEFT JOIN ledger_payment r ON r.reverses_id = p.id"
    )
    return fetch_as(
        db,
        f"SELECT {columns} FROM feed_payment s JOIN ledger_payment p ON p.reference = s.reference {joins} "
        f"UNION ALL SELECT {columns} FROM (SELECT DISTINCT reverses FROM feed_payment WHERE reverses <> '') s "
        f"JOIN ledger_payment p ON p.reference = s.reverses {joins}",
        empty_recorded().schema,
    )


def _write(db: BulkConnection) -> None:
    """Payments, then the reversals, which find what they reverse by reference."""
    columns = "reference, loan_id, amount, value_date, channel, reverses_id, received_at"
    db.execute(
        f"INSERT INTO ledger_payment ({columns}) "
        "SELECT s.reference, l.id, s.amount, s.value_date, s.channel, NULL, CURRENT_TIMESTAMP "
        "FROM feed_payment_write s JOIN ledger_loan l ON l.external_id = s.loan_id "
        "WHERE s.reverses = '' ON CONFLICT DO NOTHING"
    )
    db.execute(
        f"INSERT INTO ledger_payment ({columns}) "
        "SELECT s.reference, l.id, s.amount, s.value_date, s.channel, o.id, CURRENT_TIMESTAMP "
        "FROM feed_payment_write s JOIN ledger_loan l ON l.external_id = s.loan_id "
        "JOIN ledger_payment o ON o.reference = s.reverses "
        "WHERE s.reverses <> '' ON CONFLICT DO NOTHING"
    )
