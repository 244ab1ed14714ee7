"""The scores feed's rules: those of the file alone, and those that need the ledger."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arrears.feeds import columns as col
from arrears.feeds.schemas import SCORES
from arrears.feeds.validation._common import (
    Checked,
    Problems,
    check_date,
    check_filled,
    cleaned,
    merge_rejects,
    numbered,
    rejects_table,
    settle_repeats,
)
from arrears.ledger.records import MAX_SCORE

SCORE_PATTERN = r"^[0-9]{1,4}$"


def check_scores(raw: pa.Table, today: dt.date) -> Checked:
    """The scores feed's rules that need nothing but the file (and today's date)."""
    rows = numbered(raw)
    problems = Problems(rows)
    v = cleaned(raw, SCORES)
    check_filled(v, problems, SCORES)
    shaped = col.matches(v["score"], SCORE_PATTERN)
    score = col.whole_numbers(v["score"], shaped)
    problems.refuse(
        col.present(v["score"]) & ~(shaped & (score <= MAX_SCORE)),
        "score",
        f"评分应为 0 到 {MAX_SCORE} 的整数",
        f"must be a whole number from 0 to {MAX_SCORE}",
    )
    day_ok, day = check_date(v["scored_on"], "scored_on", problems)
    problems.refuse(
        day_ok & (day > col.epoch_day(today)),
        "scored_on",
        "评分日期不能晚于今天",
        "the day scored cannot be after today",
    )
    typed = pa.table(
        {
            "row": pa.array(rows),
            "loan_id": v["loan_id"],
            "score": pa.array(np.where(shaped & (score <= MAX_SCORE), score, 0), pa.int64()),
            "scored_on": col.as_dates(day),
        }
    )
    accepted, repeats, found = settle_repeats(typed, problems, v, SCORES.key)
    return Checked(rows=accepted, rejects=rejects_table(problems.found + found), repeats=repeats)


def check_scores_against_ledger(checked: Checked, loans: pa.Table, held: pa.Table) -> tuple[Checked, int]:
    """The rules that need the ledger: the loan exists and had started by the day scored; and how
    many accepted rows replace a score held for their loan and day (the rest are new).

    loans: loan_id (external), id, start_date (date32) of the loans the file names.
    held: loan_id (external), scored_on (date32), score of the scores already held for the
        loans and days of the file. A row equal to one held is a repeat; one that differs replaces it.
    """
    scores = checked.rows
    problems = Problems(scores.column("row").to_numpy())
    loan_at = pc.index_in(scores.column("loan_id"), value_set=loans.column("loan_id").combine_chunks())
    known = col.to_numpy(pc.is_valid(loan_at))
    problems.refuse(~known, "loan_id", "账本中没有此贷款", "no loan with this loan_id in the ledger")
    starts = loans.column("start_date").combine_chunks().take(loan_at)
    problems.refuse(
        known & col.to_numpy(pc.less(scores.column("scored_on"), starts)),
        "scored_on",
        "评分日期早于贷款开始日",
        "the day scored is before the loan's start date",
    )
    keys = _day_keys(scores.column("loan_id"), scores.column("scored_on"))
    at = pc.index_in(keys, value_set=_day_keys(held.column("loan_id"), held.column("scored_on")))
    is_held = col.to_numpy(pc.is_valid(at))
    same = is_held & col.to_numpy(pc.equal(scores.column("score"), held.column("score").combine_chunks().take(at)))
    keep = ~problems.rejected & ~same
    accepted = Checked(
        rows=scores.filter(pa.array(keep)),
        rejects=merge_rejects(checked.rejects, problems.table()),
        repeats=checked.repeats + int((same & ~problems.rejected).sum()),
    )
    return accepted, int((keep & is_held).sum())


def empty_held() -> pa.Table:
    return pa.table(
        {
            "loan_id": pa.array([], pa.string()),
            "scored_on": pa.array([], pa.date32()),
            "score": pa.array([], pa.int64()),
        }
    )


def _day_keys(loan_ids: pa.ChunkedArray | pa.Array, days: pa.ChunkedArray | pa.Array) -> pa.Array:
    """'loan_id|YYYY-MM-DD' per row: one value to look a loan's day up by."""
    text = col.dates_as_text(days)
    joined = pc.binary_join_element_wise(loan_ids, text, "|")
    return joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined
