"""The payments feed's rules: those of the file alone, and those that need the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arrears.feeds import columns as col
from arrears.feeds.schemas import CHANNELS, PAYMENTS
from arrears.feeds.validation._common import (
    Checked,
    Problems,
    check_date,
    check_filled,
    check_yuan,
    cleaned,
    merge_rejects,
    numbered,
    rejects_table,
    settle_repeats,
)


def check_payments(raw: pa.Table) -> Checked:
    """The payments feed's rules that need nothing but the file."""
    rows = numbered(raw)
    problems = Problems(rows)
    v = cleaned(raw, PAYMENTS)
    check_filled(v, problems, PAYMENTS)
    amount = check_yuan(v["amount"], "amount", problems)
    _, value_day = check_date(v["value_date"], "value_date", problems)
    channels = ", ".join(CHANNELS)
    problems.refuse(
        col.present(v["channel"]) & ~col.one_of(v["channel"], CHANNELS),
        "channel",
        f"渠道应为 {channels} 之一",
        f"channel must be one of {channels}",
    )
    problems.refuse(
        col.present(v["reverses"]) & col.to_numpy(pc.equal(v["reverses"], v["reference"])),
        "reverses",
        "付款不能冲正自己",
        "a payment cannot reverse itself",
    )
    typed = pa.table(
        {
            "row": pa.array(rows),
            "reference": v["reference"],
            "loan_id": v["loan_id"],
            "amount": pa.array(amount, pa.int64()),
            "value_date": col.as_dates(value_day),
            "channel": v["channel"],
            "reverses": v["reverses"],
        }
    )
    accepted, repeats, found = settle_repeats(typed, problems, v, PAYMENTS.key)
    return Checked(rows=accepted, rejects=rejects_table(problems.found + found), repeats=repeats)


@dataclass(frozen=True, slots=True)
class LedgerView:
    """What the ledger already holds that a payments file refers to.

    loans: loan_id (external), id, start_date (date32) of the loans the file names.
    recorded: payments already recorded under the file's references or those it reverses:
        reference, loan_id (external), amount, value_date (date32), channel,
        reverses (reference or empty), reversed_by (reference or empty).
    """

    loans: pa.Table
    recorded: pa.Table = field(default_factory=lambda: empty_recorded())


def empty_recorded() -> pa.Table:
    return pa.table(
        {
            "reference": pa.array([], pa.string()),
            "loan_id": pa.array([], pa.string()),
            "amount": pa.array([], pa.int64()),
            "value_date": pa.array([], pa.date32()),
            "channel": pa.array([], pa.string()),
            "reverses": pa.array([], pa.string()),
            "reversed_by": pa.array([], pa.string()),
        }
    )


_COMPARED = ("loan_id", "amount", "value_date", "channel", "reverses")


def check_payments_against_ledger(checked: Checked, ledger: LedgerView) -> Checked:
    """The rules that need the ledger: the loan exists and had started; a reference already
    recorded is the same payment or refused; a reversal names a payment of the same loan and
    amount that is not reversed yet."""
    payments = checked.rows
    rows = payments.column("row").to_numpy()
    problems = Problems(rows)
    loan_at = pc.index_in(payments.column("loan_id"), value_set=ledger.loans.column("loan_id").combine_chunks())
    known_loan = col.to_numpy(pc.is_valid(loan_at))
    problems.refuse(~known_loan, "loan_id", "账本中没有此贷款", "no loan with this loan_id in the ledger")
    starts = ledger.loans.column("start_date").combine_chunks().take(loan_at)
    problems.refuse(
        known_loan & col.to_numpy(pc.less(payments.column("value_date"), starts)),
        "value_date",
        "起息日早于贷款开始日",
        "the value date is before the loan's start date",
    )

    recorded = ledger.recorded
    at = pc.index_in(payments.column("reference"), value_set=recorded.column("reference").combine_chunks())
    already = col.to_numpy(pc.is_valid(at))
    same = already.copy()
    for name in _COMPARED:
        same &= col.to_numpy(pc.equal(payments.column(name), recorded.column(name).combine_chunks().take(at)))
    problems.refuse(
        already & ~same,
        "reference",
        "此流水号已登记为另一笔付款（内容不同）",
        "this reference is already recorded with different values",
    )
    fresh = ~already & ~problems.rejected
    _check_reversals(payments, fresh, recorded, problems)
    keep = fresh & ~problems.rejected
    return Checked(
        rows=payments.filter(pa.array(keep)),
        rejects=merge_rejects(checked.rejects, problems.table()),
        repeats=checked.repeats + int((already & same).sum()),
    )


def _check_reversals(payments: pa.Table, fresh: np.ndarray, recorded: pa.Table, problems: Problems) -> None:
    reverses = payments.column("reverses").combine_chunks()
    is_reversal = col.present(reverses)
    # What a reversal may name: payments recorded, and the new ones of this file that passed so far.
    candidates = pa.concat_tables(
        [
            recorded.select(["reference", "loan_id", "amount", "value_date", "reverses", "reversed_by"]),
            payments.filter(pa.array(fresh))
            .select(["reference", "loan_id", "amount", "value_date", "reverses"])
            .append_column("reversed_by", pa.array([""] * int(fresh.sum()), pa.string())),
        ]
    )
    at = pc.index_in(reverses, value_set=candidates.column("reference").combine_chunks())
    found = col.to_numpy(pc.is_valid(at))

    def target(name: str) -> pa.Array:
        return candidates.column(name).combine_chunks().take(at)

    checking = fresh & is_reversal
    problems.refuse(
        checking & ~found,
        "reverses",
        "账本和本文件中都没有被冲正的这笔付款",
        "no payment with this reference in the ledger or this file",
    )
    checking &= found
    problems.refuse(
        checking & col.present(target("reverses")), "reverses", "冲正记录不能再被冲正", "a reversal cannot be reversed"
    )
    problems.refuse(
        checking & ~col.to_numpy(pc.equal(target("loan_id"), payments.column("loan_id"))),
        "reverses",
        "被冲正的付款属于另一笔贷款",
        "the payment reversed belongs to another loan",
    )
    problems.refuse(
        checking & ~col.to_numpy(pc.equal(target("amount"), payments.column("amount"))),
        "amount",
        "冲正金额必须等于原付款金额",
        "a reversal's amount must equal the payment it reverses",
    )
    problems.refuse(
        checking & col.to_numpy(pc.less(payments.column("value_date"), target("value_date"))),
        "value_date",
        "冲正的起息日不能早于原付款",
        "a reversal cannot be value-dated before the payment it reverses",
    )
    problems.refuse(
        checking & col.present(target("reversed_by")),
        "reverses",
        "这笔付款已被冲正过",
        "this payment has already been reversed",
    )
    # Two reversals of one payment in this file: the first one (by row) stands.
    still = checking & ~problems.rejected
    targets = pc.if_else(pa.array(still), reverses, pa.scalar(None, pa.string()))
    firsts = col.first_positions(targets)
    problems.refuse(
        still & (firsts != np.arange(len(firsts))),
        "reverses",
        "本文件中已有一行冲正这笔付款",
        "an earlier row of this file already reverses this payment",
    )
