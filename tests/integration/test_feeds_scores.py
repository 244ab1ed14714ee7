"""The scores feed through a real database (SQLite or PostgreSQL, whichever DATABASE_URL names), and
what a score changes: the strategy's `score` fact and the work queue's expected value and order.

The bulk connection is separate from Django's, so every test runs with transaction=True.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from arrears.bulk import BulkConnection
from arrears.cases.models import CollectionCase
from arrears.cli import main
from arrears.cycle.models import AccountState
from arrears.feeds import import_scores
from arrears.ledger.models import FeedImport, LoanScore
from arrears.strategy.facts_source import read_facts
from arrears.strategy.models import PlannedAction
from arrears.workbench.queue import ensure_fresh
from tests.integration.test_cycle_service import make_loan
from tests.integration.test_feeds import read_rejects, write_csv

pytestmark = pytest.mark.django_db(transaction=True)

COLUMNS = ["loan_id", "score", "scored_on"]
CJK = re.compile(r"[\u4e00-\u9fff]")
PLAN_DAY = dt.date(2026, 3, 2)


def score_row(loan_id: str, score: str, scored_on: str = "2026-03-01") -> dict[str, str]:
    return {"loan_id": loan_id, "score": score, "scored_on": scored_on}


def held() -> dict[tuple[str, dt.date], int]:
    return {(s.loan.external_id, s.scored_on): s.score for s in LoanScore.objects.select_related("loan")}


def test_good_rows_land_and_bad_rows_go_to_the_rejects_file_with_reasons(tmp_path: Path) -> None:
    for name in ("S-1", "S-2", "S-3", "S-4"):
        make_loan(name)  # started 2026-01-31
    source = write_csv(
        tmp_path / "scores.csv",
        [
            score_row("S-1", "720"),
            score_row("S-2", "0"),
            score_row("S-3", "1000", "2026-02-15"),
            score_row("NOPE", "500"),  # 4: no such loan
            score_row("S-1", "1001"),  # 5: out of range (and a repeat of row 1)
            score_row("S-2", "7.5"),  # 6: not a whole number
            score_row("S-3", "-3"),  # 7
            score_row("S-2", "400", "2999-01-01"),  # 8: after today
            score_row("S-4", "400", "2026-01-30"),  # 9: before the loan started
            score_row("S-1", "", "2026-13-01"),  # 10: empty score, no such date
            score_row("S-2", "0"),  # 11: the same as row 2: a repeat, unchanged
            score_row("S-1", "650"),  # 12: row 1's loan with another score
        ],
        COLUMNS,
    )

    outcome = import_scores(source)

    assert held() == {("S-1", dt.date(2026, 3, 1)): 720, ("S-2", dt.date(2026, 3, 1)): 0,
                      ("S-3", dt.date(2026, 2, 15)): 1000}
    assert (outcome.rows_read, outcome.landed, outcome.updated, outcome.unchanged, outcome.rejected) == (12, 3, 0, 1, 8)
    rejects = read_rejects(outcome.rejects_path)
    reasons = {(int(r["row"]), r["field"]): r["reason_en"] for r in rejects}
    assert reasons[(4, "loan_id")] == "no loan with this loan_id in the ledger"
    assert reasons[(5, "score")] == "must be a whole number from 0 to 1000"
    assert reasons[(6, "score")] == reasons[(7, "score")] == "must be a whole number from 0 to 1000"
    assert reasons[(8, "scored_on")] == "the day scored cannot be after today"
    assert reasons[(9, "scored_on")] == "the day scored is before the loan's start date"
    assert reasons[(10, "score")] == "required field is empty"
    assert reasons[(10, "scored_on")].startswith("must be a real date")
    assert reasons[(12, "loan_id")] == "loan_id repeats row 1 with different values"
    assert all(CJK.search(r["reason_zh"]) for r in rejects)
    run = FeedImport.objects.get(kind="scores")
    assert (run.rows_read, run.rows_landed, run.rows_rejected) == (12, 3, 8)
    assert set(LoanScore.objects.values_list("feed_import_id", flat=True)) == {run.pk}


def test_the_same_file_again_changes_nothing_a_rescore_replaces_the_day_and_a_new_day_adds(tmp_path: Path) -> None:
    make_loan("S-1")
    make_loan("S-2")
    first = write_csv(tmp_path / "day1.csv", [score_row("S-1", "720"), score_row("S-2", "300")], COLUMNS)
    import_scores(first)
    again = import_scores(first)
    assert (again.landed, again.updated, again.unchanged) == (0, 0, 2)

    corrected = write_csv(tmp_path / "fix.csv", [score_row("S-1", "710"), score_row("S-2", "300")], COLUMNS)
    fixed = import_scores(corrected)
    assert (fixed.landed, fixed.updated, fixed.unchanged) == (0, 1, 1)

    later = write_csv(tmp_path / "day2.csv", [score_row("S-1", "200", "2026-04-01")], COLUMNS)
    added = import_scores(later)
    assert (added.landed, added.updated, added.unchanged) == (1, 0, 0)
    assert held() == {("S-1", dt.date(2026, 3, 1)): 710, ("S-2", dt.date(2026, 3, 1)): 300,
                      ("S-1", dt.date(2026, 4, 1)): 200}


def test_the_command_prints_a_bilingual_summary_and_refuses_a_file_without_its_columns(tmp_path: Path, capsys) -> None:
    make_loan("S-1")
    good = write_csv(tmp_path / "scores.csv", [score_row("S-1", "720")], COLUMNS)
    assert main(["import", "scores", str(good)]) == 0
    out = capsys.readouterr().out
    assert "新增 1" in out and "1 landed" in out

    bad = write_csv(tmp_path / "bad.csv", [{"loan_id": "S-1"}], ["loan_id"])
    assert main(["import", "scores", str(bad)]) == 1
    captured = capsys.readouterr()
    assert "缺少必需的列" in captured.err and "lacks required columns: score, scored_on" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert LoanScore.objects.count() == 1


def aged(loan, overdue: int, dpd: int = 20) -> None:
    AccountState.objects.create(
        loan=loan, as_of=PLAN_DAY, days_past_due=dpd, bucket="M1", status="delinquent",
        overdue_principal=overdue, overdue_interest=0, fee_outstanding=0, penalty_outstanding=0,
        principal_outstanding=1_000_000, balance=1_000_000 + overdue, credit=0, penalty_charged=0,
        fee_charged=0, charges_withheld=0, paid_total=0,
    )


def test_the_score_fact_is_the_latest_score_on_or_before_the_day(tmp_path: Path) -> None:
    scored, unscored = make_loan("S-1"), make_loan("S-2")
    aged(scored, 50_000)
    aged(unscored, 50_000)
    import_scores(write_csv(tmp_path / "a.csv", [score_row("S-1", "720", "2026-03-01")], COLUMNS))
    import_scores(write_csv(tmp_path / "b.csv", [score_row("S-1", "310", "2026-03-05")], COLUMNS))

    def score(loan, day: dt.date):
        with BulkConnection.for_django() as db:
            return read_facts(db, day, loan_id=loan.pk).to_pylist()[0]["score"]

    assert score(scored, dt.date(2026, 2, 28)) is None
    assert score(scored, dt.date(2026, 3, 4)) == 720
    assert score(scored, dt.date(2026, 3, 5)) == 310
    assert score(unscored, dt.date(2026, 3, 5)) is None
    with BulkConnection.for_django() as db:
        book = {row["loan_id"]: row["score"] for row in read_facts(db, dt.date(2026, 3, 9)).to_pylist()}
    assert book == {scored.pk: 310, unscored.pk: None}


def test_scores_weigh_the_queue_by_expected_value_and_an_unscored_case_counts_at_the_average(tmp_path: Path) -> None:
    # given three cases in the queue at one priority: the largest overdue amount has the lowest score
    overdue = {"Q-BIG": 100_000, "Q-MID": 60_000, "Q-SMALL": 40_000}
    loans = {}
    for name, amount in overdue.items():
        loan = loans[name] = make_loan(name)
        aged(loan, amount)
        CollectionCase.objects.create(loan=loan, opened_on=dt.date(2026, 3, 1))
        PlannedAction.objects.create(
            as_of=PLAN_DAY, loan=loan, strategy="default v1", segment="internal_collection",
            owner="internal_queue", arm="champion", rule="r", channel="call", template="t",
        )
    assert ensure_fresh()

    def queue() -> list[tuple[str, int]]:
        cases = CollectionCase.objects.filter(in_queue=True).select_related("loan")
        return [(c.loan.external_id, c.expected_value) for c in cases.order_by("-expected_value", "pk")]

    # without scores the expected value is the overdue amount
    assert queue() == [("Q-BIG", 100_000), ("Q-MID", 60_000), ("Q-SMALL", 40_000)]

    # when scores arrive, the queue is refreshed: 100,000 × 0.2 < 40,000 × 0.9; Q-MID has no score and
    # counts at the average of the scored cases, (200 + 900) / 2 = 550
    rows = [score_row("Q-BIG", "200", "2026-03-02"), score_row("Q-SMALL", "900", "2026-03-02")]
    import_scores(write_csv(tmp_path / "scores.csv", rows, COLUMNS))
    assert ensure_fresh()
    assert queue() == [("Q-SMALL", 36_000), ("Q-MID", 33_000), ("Q-BIG", 20_000)]
    assert not ensure_fresh()  # nothing newer since

    # a later score of a loan replaces its earlier one in the weighing
    import_scores(write_csv(tmp_path / "later.csv", [score_row("Q-BIG", "950", "2026-03-03")], COLUMNS))
    assert ensure_fresh()
    # and moves the average the unscored case counts at: (950 + 900) / 2 = 925
    assert queue() == [("Q-BIG", 95_000), ("Q-MID", 55_500), ("Q-SMALL", 36_000)]
