"""The rules every feed row must pass, applied to whole columns at once (no Django here).

    checked = check_loans(raw, products={"CASH", "POS"}, today=date(2026, 3, 1))
    checked.rows      # the accepted rows, typed: fen as int64, dates as date32
    checked.rejects   # row, field, reason_zh, reason_en: one line per problem

A row breaking any rule is rejected whole; each field reports its first problem
only, so a sender sees every bad field of a row at once. `row` is the 1-based
record number in the file (a CSV header is not counted).

Payments need the ledger as well: `check_payments` applies the rules of the file
alone, `check_payments_against_ledger` those that need the loans and the payments
already recorded, handed in as Arrow tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arrears.feeds import columns as col
from arrears.feeds.schemas import CHANNELS, DEFAULT_TIME_ZONE, EMERGENCY_RELATIONS, LOANS, PAYMENTS, FeedSchema
from arrears.ledger.identity import CHECK_CHARACTERS, CHECK_WEIGHTS, MESSAGES, IdentityError
from arrears.ledger.schedule import MAX_TERM_MONTHS

REJECT_COLUMNS = ("row", "field", "reason_zh", "reason_en")
MOBILE_PATTERN = r"^1[3-9][0-9]{9}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
NATIONAL_ID_PATTERN = r"^[0-9]{17}[0-9X]$"
TERM_PATTERN = r"^[0-9]{1,4}$"


@dataclass(frozen=True, slots=True)
class Checked:
    """The outcome of a set of rules over a feed.

    rows: accepted rows, with `row` and the typed columns.
    rejects: one line per problem: row, field, reason_zh, reason_en.
    repeats: rows skipped because an identical row came earlier in the file or is already recorded.
    """

    rows: pa.Table
    rejects: pa.Table
    repeats: int = 0

    @property
    def rejected_rows(self) -> int:
        return len(pc.unique(self.rejects.column("row"))) if self.rejects.num_rows else 0


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


class _Problems:
    """Problems found so far, per row and field; a field keeps its first problem only."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows
        self.rejected = np.zeros(len(rows), dtype=bool)
        self._failed: dict[str, np.ndarray] = {}
        self.found: Found = []

    def refuse(self, mask: np.ndarray, field: str, zh: str, en: str) -> None:
        failed = self._failed.setdefault(field, np.zeros(len(self.rows), dtype=bool))
        new = mask & ~failed
        if new.any():
            failed |= new
            self.rejected |= new
            self.found.append((self.rows[new], field, zh, en))

    def failed(self, field: str) -> np.ndarray:
        return self._failed.get(field, np.zeros(len(self.rows), dtype=bool))

    def require(self, values: pa.Array, field: str) -> np.ndarray:
        """Refuse empty values; answer which rows have one."""
        given = col.present(values)
        self.refuse(~given, field, "必填字段为空", "required field is empty")
        return given

    def limit(self, values: pa.Array, field: str, max_length: int | None) -> None:
        if max_length is not None:
            self.refuse(
                col.longer_than(values, max_length),
                field,
                f"不得超过 {max_length} 个字符",
                f"at most {max_length} characters",
            )

    def table(self) -> pa.Table:
        return rejects_table(self.found)


Found = list[tuple[np.ndarray, str, "str | pa.Array", "str | pa.Array"]]
"""Problems as found: (rows, field, reason_zh, reason_en); a reason is one text or one per row."""


def rejects_table(found: Found) -> pa.Table:
    """Problems as a table sorted by row, in the order the rules found them within a row."""
    parts = [
        pa.table(
            {
                "row": pa.array(rows, pa.int64()),
                "field": pa.array([field] * len(rows), pa.string()),
                "reason_zh": _per_row(zh, len(rows)),
                "reason_en": _per_row(en, len(rows)),
            }
        )
        for rows, field, zh, en in found
    ]
    if not parts:
        return pa.table({"row": pa.array([], pa.int64()), **{n: pa.array([], pa.string()) for n in REJECT_COLUMNS[1:]}})
    table = pa.concat_tables(parts)
    return table.take(pc.sort_indices(table, sort_keys=[("row", "ascending")]))  # a stable sort


def _per_row(reason: str | pa.Array, count: int) -> pa.Array:
    return pa.array([reason] * count, pa.string()) if isinstance(reason, str) else reason


def numbered(raw: pa.Table) -> np.ndarray:
    return np.arange(1, raw.num_rows + 1, dtype=np.int64)


def _cleaned(raw: pa.Table, schema: FeedSchema) -> dict[str, pa.Array]:
    return {name: col.text(raw, name) for name in schema.names}


def _check_lengths(values: dict[str, pa.Array], problems: _Problems, schema: FeedSchema) -> None:
    for column in schema.columns:
        problems.limit(values[column.name], column.name, column.max_length)


def check_national_ids(values: pa.Array, today: dt.date) -> dict[IdentityError, np.ndarray]:
    """For every row, which resident-ID rule it breaks first (the vectorised twin of
    `identity.national_id_error`); values must be upper-cased already."""
    length_ok = col.to_numpy(pc.equal(pc.utf8_length(values), 18))
    shaped = length_ok & col.matches(values, NATIONAL_ID_PATTERN)
    safe = pc.if_else(pa.array(shaped), values, "00000019700101000X")
    born_ok, born = col.compact_dates(safe, 6)
    born_ok &= (born >= col.epoch_day(dt.date(1900, 1, 1))) & (born <= col.epoch_day(today))
    characters = col.fixed_width_bytes(safe, 18)
    totals = ((characters[:, :17].astype(np.int64) - ord("0")) @ np.array(CHECK_WEIGHTS)) % 11
    expected = np.frombuffer(CHECK_CHARACTERS.encode(), np.uint8)[totals]
    given = characters[:, 17]
    return {
        IdentityError.ID_LENGTH: ~length_ok,
        IdentityError.ID_CHARACTERS: length_ok & ~shaped,
        IdentityError.ID_BIRTH_DATE: shaped & ~born_ok,
        IdentityError.ID_CHECK_DIGIT: shaped & born_ok & (expected != given),
    }


def check_loans(
    raw: pa.Table,
    *,
    products: Collection[str],
    today: dt.date,
    time_zones: Collection[str] | None = None,
) -> Checked:
    """The loans feed's rules; `products` are the codes that exist."""
    rows = numbered(raw)
    problems = _Problems(rows)
    v = _cleaned(raw, LOANS)
    v["national_id"] = pc.utf8_upper(v["national_id"])
    for name in LOANS.required:
        problems.require(v[name], name)
    _check_lengths(v, problems, LOANS)

    national_id_given = col.present(v["national_id"])
    for error, mask in check_national_ids(v["national_id"], today).items():
        problems.refuse(mask & national_id_given, "national_id", *MESSAGES[error])

    zone_given = col.present(v["time_zone"])
    zones = frozenset(time_zones) if time_zones is not None else known_time_zones()
    problems.refuse(
        zone_given & ~col.one_of(v["time_zone"], zones),
        "time_zone",
        "不是有效的 IANA 时区名（如 Asia/Shanghai）",
        "not an IANA time zone name (such as Asia/Shanghai)",
    )
    v["time_zone"] = pc.if_else(pa.array(zone_given), v["time_zone"], DEFAULT_TIME_ZONE)

    mobile_zh, mobile_en = MESSAGES[IdentityError.MOBILE_FORMAT]
    for name in ("mobile", "emergency_contact_mobile"):
        problems.refuse(col.present(v[name]) & ~col.matches(v[name], MOBILE_PATTERN), name, mobile_zh, mobile_en)
    problems.refuse(
        col.present(v["email"]) & ~col.matches(v["email"], EMAIL_PATTERN),
        "email",
        "不是有效的电子邮件地址",
        "not an email address",
    )
    _check_emergency_contact(v, problems)

    problems.refuse(
        col.present(v["product"]) & ~col.one_of(v["product"], set(products)),
        "product",
        "没有此产品代码（先运行 arrears products load）",
        "no product with this code (run arrears products load first)",
    )
    principal = _check_yuan(v["principal"], "principal", problems)
    term = _check_term(v["term_months"], problems)
    start_ok, start = col.iso_dates(v["start_date"])
    problems.refuse(
        col.present(v["start_date"]) & ~start_ok,
        "start_date",
        "应为 1900–2999 年间的有效日期，格式 YYYY-MM-DD",
        "must be a real date from 1900 to 2999 written YYYY-MM-DD",
    )

    typed = pa.table(
        {
            "row": pa.array(rows),
            **{name: v[name] for name in LOANS.names if name not in ("principal", "term_months", "start_date")},
            "principal": pa.array(principal, pa.int64()),
            "term_months": pa.array(term.astype(np.int16), pa.int16()),
            "start_date": col.as_dates(start),
        }
    )
    accepted, repeats, found = _settle_repeats(typed, problems, v, LOANS.key)
    accepted, borrower_found = _borrowers_agree(accepted)
    return Checked(rows=accepted, rejects=rejects_table(problems.found + found + borrower_found), repeats=repeats)


def _check_emergency_contact(v: dict[str, pa.Array], problems: _Problems) -> None:
    names = ("emergency_contact_name", "emergency_contact_relation", "emergency_contact_mobile")
    given = {name: col.present(v[name]) for name in names}
    any_given = given[names[0]] | given[names[1]] | given[names[2]]
    for name in names:
        problems.refuse(
            any_given & ~given[name],
            name,
            "填写紧急联系人时，姓名、关系和手机号都必须填写",
            "an emergency contact needs a name, a relation and a mobile",
        )
    relations = ", ".join(EMERGENCY_RELATIONS)
    problems.refuse(
        given[names[1]] & ~col.one_of(v[names[1]], EMERGENCY_RELATIONS),
        names[1],
        f"关系应为 {relations} 之一",
        f"relation must be one of {relations}",
    )
    problems.refuse(
        given[names[2]] & col.to_numpy(pc.equal(v[names[2]], v["mobile"])),
        names[2],
        "紧急联系人的手机号不能与借款人本人相同",
        "the emergency contact's mobile cannot be the borrower's own",
    )


def _check_yuan(values: pa.Array, name: str, problems: _Problems) -> np.ndarray:
    shaped = col.matches(values, col.YUAN_PATTERN)
    problems.refuse(
        col.present(values) & ~shaped,
        name,
        "应为元金额，最多两位小数（如 12000.00），不带符号或千分位",
        "must be yuan with at most two decimals (such as 12000.00), no sign or thousands separator",
    )
    fen = col.yuan_to_fen(values, shaped)
    problems.refuse(shaped & (fen <= 0), name, "金额必须大于 0", "the amount must be more than 0")
    return fen


def _check_term(values: pa.Array, problems: _Problems) -> np.ndarray:
    shaped = col.matches(values, TERM_PATTERN)
    months = col.whole_numbers(values, shaped)
    problems.refuse(
        col.present(values) & ~(shaped & (months >= 1) & (months <= MAX_TERM_MONTHS)),
        "term_months",
        f"期数应为 1 到 {MAX_TERM_MONTHS} 的整数",
        f"must be a whole number of months from 1 to {MAX_TERM_MONTHS}",
    )
    return np.where(shaped & (months <= MAX_TERM_MONTHS), months, 0)


def _settle_repeats(typed: pa.Table, problems: _Problems, values: dict[str, pa.Array], key: str) -> tuple[pa.Table, int, Found]:
    """Among rows that passed, a key seen earlier: identical → skipped, different → rejected."""
    passed = ~problems.rejected
    accepted = typed.filter(pa.array(passed))
    firsts = col.first_positions(accepted.column(key).combine_chunks())
    later = firsts != np.arange(accepted.num_rows)
    if not later.any():
        return accepted, 0, []
    # Whole rows are compared only where a key repeats: building every row's fingerprint is costly.
    original = np.flatnonzero(passed)
    fingerprints = col.row_fingerprints([values[name].take(pa.array(original[later])) for name in values])
    earlier = col.row_fingerprints([values[name].take(pa.array(original[firsts[later]])) for name in values])
    same = np.zeros(accepted.num_rows, dtype=bool)
    same[later] = col.to_numpy(pc.equal(fingerprints, earlier))
    different = later & ~same
    found: Found = []
    if different.any():
        rows = accepted.column("row").to_numpy()
        earlier_rows = pc.cast(pa.array(rows[firsts[different]]), pa.string())
        found.append(
            (
                rows[different],
                key,
                pc.binary_join_element_wise(f"{key} 与第 ", earlier_rows, " 行相同，但内容不同", ""),
                pc.binary_join_element_wise(f"{key} repeats row ", earlier_rows, " with different values", ""),
            )
        )
    return accepted.filter(pa.array(~later)), int(same.sum()), found


def _borrowers_agree(accepted: pa.Table) -> tuple[pa.Table, Found]:
    """Rows of one borrower must agree on who the borrower is: the first row of each borrower sets it.

    The rows kept gain `borrower_first` (the row that speaks for its borrower) and
    `borrower_shared` (the borrower has more than one row in the file).
    """
    firsts = col.first_positions(accepted.column("borrower_id").combine_chunks())
    rows = accepted.column("row").to_numpy()
    positions = np.arange(accepted.num_rows)
    repeated = firsts != positions
    disagree = np.zeros(accepted.num_rows, dtype=bool)
    found: Found = []
    if repeated.any():
        taken = pa.array(firsts[repeated])
        for name in ("borrower_name", "national_id", "time_zone"):
            values = accepted.column(name).combine_chunks()
            differs = np.zeros(accepted.num_rows, dtype=bool)
            differs[repeated] = ~col.to_numpy(pc.equal(values.filter(pa.array(repeated)), values.take(taken)))
            if differs.any():
                found.append(
                    (
                        rows[differs],
                        name,
                        "本文件较早的一行为同一借款人填写了不同的值",
                        "an earlier row of this file gives the same borrower_id a different value",
                    )
                )
            disagree |= differs
    shared = np.zeros(accepted.num_rows, dtype=bool)
    shared[firsts[repeated & ~disagree]] = True
    shared |= repeated
    kept = ~disagree
    flagged = accepted.append_column("borrower_first", pa.array(~repeated)).append_column(
        "borrower_shared", pa.array(shared)
    )
    return flagged.filter(pa.array(kept)), found


def check_payments(raw: pa.Table) -> Checked:
    """The payments feed's rules that need nothing but the file."""
    rows = numbered(raw)
    problems = _Problems(rows)
    v = _cleaned(raw, PAYMENTS)
    for name in PAYMENTS.required:
        problems.require(v[name], name)
    _check_lengths(v, problems, PAYMENTS)
    amount = _check_yuan(v["amount"], "amount", problems)
    value_ok, value_day = col.iso_dates(v["value_date"])
    problems.refuse(
        col.present(v["value_date"]) & ~value_ok,
        "value_date",
        "应为 1900–2999 年间的有效日期，格式 YYYY-MM-DD",
        "must be a real date from 1900 to 2999 written YYYY-MM-DD",
    )
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
    accepted, repeats, found = _settle_repeats(typed, problems, v, PAYMENTS.key)
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
    problems = _Problems(rows)
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
        rejects=_merge_rejects(checked.rejects, problems.table()),
        repeats=checked.repeats + int((already & same).sum()),
    )


def _check_reversals(payments: pa.Table, fresh: np.ndarray, recorded: pa.Table, problems: _Problems) -> None:
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


def _merge_rejects(earlier: pa.Table, later: pa.Table) -> pa.Table:
    merged = pa.concat_tables([earlier, later])
    return merged.take(pc.sort_indices(merged, sort_keys=[("row", "ascending")]))  # a stable sort
