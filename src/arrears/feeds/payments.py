"""Importing the payments feed, in bulk.

    outcome = import_payments(Path("payments.csv"))

A payment is known by its reference: the same reference with the same content is
skipped (the file, or a row of it, was sent again); with different content it is
rejected. Payments land first and reversals after them, so a reversal may name a
payment of the same file. Nothing is ever updated: a wrong payment is corrected by
reversing it.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from arrears import clock
from arrears.bulk import BulkConnection
from arrears.feeds.rejects import originals_of, write_rejects
from arrears.feeds.runs import FeedOutcome, Progress, Silent, open_run
from arrears.feeds.schemas import PAYMENTS
from arrears.feeds.staging import bulk_session, fetch_as, instant_sql, landing, loans_named, stage
from arrears.feeds.validation import LedgerView, check_payments, check_payments_against_ledger, empty_recorded

_STAGED = ("feed_payment", "feed_payment_write")


def import_payments(path: Path | str, *, encoding: str = "utf-8", progress: Progress | None = None) -> FeedOutcome:
    """Import a payments file; InputError (and nothing lands) when the file cannot be read as a whole."""
    progress = progress or Silent()
    raw, run = open_run(PAYMENTS, path, encoding, progress)
    progress.stage("校验", "validating", raw.num_rows)
    checked = check_payments(raw)

    with bulk_session() as db, landing(db, _STAGED, progress):
        stage(db, "feed_payment", checked.rows.select(["reference", "loan_id", "reverses"]))
        ledger = LedgerView(loans=loans_named(db, "feed_payment"), recorded=_recorded(db))
        checked = check_payments_against_ledger(checked, ledger)
        progress.advance(raw.num_rows)
        progress.stage("写入付款", "writing payments", checked.rows.num_rows)
        stage(db, "feed_payment_write", checked.rows.drop_columns(["row"]))
        _write(db)
        progress.advance(checked.rows.num_rows)

    return run.close(
        rows_read=raw.num_rows,
        landed=checked.rows.num_rows,
        updated=0,
        rejected=checked.rejected_rows,
        rejects_path=write_rejects(run.source, checked.rejects, originals_of(raw, checked.rejects)),
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
    received = instant_sql(db, clock.now())  # the product's clock: a night's payments carry the night's time
    db.execute(
        f"INSERT INTO ledger_payment ({columns}) "
        f"SELECT s.reference, l.id, s.amount, s.value_date, s.channel, NULL, {received} "
        "FROM feed_payment_write s JOIN ledger_loan l ON l.external_id = s.loan_id "
        "WHERE s.reverses = '' ON CONFLICT DO NOTHING"
    )
    db.execute(
        f"INSERT INTO ledger_payment ({columns}) "
        f"SELECT s.reference, l.id, s.amount, s.value_date, s.channel, o.id, {received} "
        "FROM feed_payment_write s JOIN ledger_loan l ON l.external_id = s.loan_id "
        "JOIN ledger_payment o ON o.reference = s.reverses "
        "WHERE s.reverses <> '' ON CONFLICT DO NOTHING"
    )
