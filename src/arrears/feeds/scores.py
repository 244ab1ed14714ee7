"""Importing the scores feed, in bulk: each loan's propensity-to-pay score from the lender's model.

    outcome = import_scores(Path("scores.csv"))

A row sets one loan's score for the day it was scored (`scored_on`). A loan scored again on the
same day takes the new score (counted as updated); the same score again is unchanged. Scores of
earlier days are kept: the latest on or before a day is the loan's score that day.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from arrears import clock
from arrears.bulk import BulkConnection
from arrears.feeds.rejects import originals_of, write_rejects
from arrears.feeds.runs import FeedOutcome, Progress, Silent, open_run
from arrears.feeds.schemas import SCORES
from arrears.feeds.staging import bulk_session, fetch_as, landing, loans_named, stage
from arrears.feeds.validation import check_scores, check_scores_against_ledger, empty_held

_STAGED = ("feed_score", "feed_score_write")


def import_scores(path: Path | str, *, encoding: str = "utf-8", progress: Progress | None = None) -> FeedOutcome:
    """Import a scores file; InputError (and nothing lands) when the file cannot be read as a whole."""
    progress = progress or Silent()
    raw, run = open_run(SCORES, path, encoding, progress)
    progress.stage("校验", "validating", raw.num_rows)
    checked = check_scores(raw, today=clock.today())

    with bulk_session() as db, landing(db, _STAGED, progress):
        stage(db, "feed_score", checked.rows.select(["loan_id", "scored_on"]))
        checked, updated = check_scores_against_ledger(checked, loans_named(db, "feed_score"), _held(db))
        progress.advance(raw.num_rows)
        progress.stage("写入评分", "writing scores", checked.rows.num_rows)
        stage(db, "feed_score_write", checked.rows.drop_columns(["row"]))
        _write(db, run.run_id)
        progress.advance(checked.rows.num_rows)

    return run.close(
        rows_read=raw.num_rows,
        landed=checked.rows.num_rows - updated,
        updated=updated,
        rejected=checked.rejected_rows,
        rejects_path=write_rejects(run.source, checked.rejects, originals_of(raw, checked.rejects)),
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
