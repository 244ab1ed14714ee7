"""Importing the scores feed, in bulk: each loan's propensity-to-pay score from the lender's model.

    outcome = import_scores(Path("scores.csv"))

A row sets one loan's score for the day it was scored (`scored_on`). A loan scored again on the
same day takes the new score (counted as updated); the same score again is unchanged. Scores of
earlier days are kept: the latest on or before a day is the loan's score that day.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa
from django.utils import timezone

from arrears.bulk import BulkConnection
from arrears.feeds.readers import file_digest, read_feed
from arrears.feeds.rejects import originals_of, write_rejects
from arrears.feeds.runs import FeedOutcome, Progress, Silent, begin_run, finish_run
from arrears.feeds.schemas import SCORES
from arrears.feeds.staging import bulk_session, drop, fetch_as, stage
from arrears.feeds.validation import check_scores, check_scores_against_ledger, empty_held, held_changes

LOANS_NAMED = pa.schema([("loan_id", pa.string()), ("id", pa.int64()), ("start_date", pa.date32())])
_STAGED = ("feed_score", "feed_score_write")


def import_scores(path: Path | str, *, encoding: str = "utf-8", progress: Progress | None = None) -> FeedOutcome:
    """Import a scores file; InputError (and nothing lands) when the file cannot be read as a whole."""
    began = time.perf_counter()
    progress = progress or Silent()
    source = Path(path).resolve()
    progress.stage("读取文件", "reading the file")
    raw = read_feed(source, SCORES, encoding=encoding)
    digest = file_digest(source)
    run_id = begin_run(SCORES.kind, source, digest)
    progress.stage("校验", "validating", raw.num_rows)
    checked = check_scores(raw, today=timezone.localdate())

    with bulk_session() as db:
        try:
            stage(db, "feed_score", checked.rows.select(["loan_id", "scored_on"]))
            held = _held(db)
            checked = check_scores_against_ledger(checked, _loans_named(db), held)
            updated = held_changes(checked, held)
            progress.advance(raw.num_rows)
            progress.stage("写入评分", "writing scores", checked.rows.num_rows)
            stage(db, "feed_score_write", checked.rows.drop_columns(["row"]))
            _write(db, run_id)
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
        kind=SCORES.kind,
        source=source,
        digest=digest,
        rows_read=raw.num_rows,
        landed=checked.rows.num_rows - updated,
        updated=updated,
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
        "WHERE l.external_id IN (SELECT loan_id FROM feed_score)",
        LOANS_NAMED,
    )


def _held(db: BulkConnection) -> pa.Table:
    """The scores already held for the loans and days the file names."""
    return fetch_as(
        db,
        "SELECT s.loan_id, s.scored_on, h.score FROM feed_score s "
        "JOIN ledger_loan l ON l.external_id = s.loan_id "
        "JOIN ledger_loanscore h ON h.loan_id = l.id AND h.scored_on = s.scored_on",
        empty_held().schema,
    )


def _write(db: BulkConnection, run_id: int) -> None:
    db.execute(
        "INSERT INTO ledger_loanscore (loan_id, scored_on, score, feed_import_id) "
        f"SELECT l.id, s.scored_on, s.score, {int(run_id)} "
        "FROM feed_score_write s JOIN ledger_loan l ON l.external_id = s.loan_id WHERE TRUE "
        "ON CONFLICT (loan_id, scored_on) DO UPDATE SET score = excluded.score, feed_import_id = excluded.feed_import_id"
    )
