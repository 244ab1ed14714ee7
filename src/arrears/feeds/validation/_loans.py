"""The loans feed's rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arrears.feeds import columns as col
from arrears.feeds.schemas import (
    DEFAULT_TIME_ZONE,
    EMERGENCY_RELATIONS,
    FLAG_WORDS,
    LOANS,
    VERIFIED_COLUMNS,
    is_us,
    loans_schema,
)
from arrears.feeds.validation._common import (
    Checked,
    Found,
    Problems,
    check_date,
    check_filled,
    check_yuan,
    cleaned,
    known_time_zones,
    numbered,
    rejects_table,
    settle_repeats,
)
from arrears.feeds.validation._us_people import check_us_people
from arrears.ledger.identity import CHECK_CHARACTERS, CHECK_WEIGHTS, MESSAGES, IdentityError
from arrears.ledger.schedule import MAX_TERM_MONTHS
from arrears.money import DEFAULT_CURRENCY, currency_error

MOBILE_PATTERN = r"^1[3-9][0-9]{9}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
NATIONAL_ID_PATTERN = r"^[0-9]{17}[0-9X]$"
TERM_PATTERN = r"^[0-9]{1,4}$"


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
    currency: str = DEFAULT_CURRENCY,
    profile: str = "cn",
) -> Checked:
    """The loans feed's rules; `products` are the codes that exist, `currency` the lender's (a row naming
    none); under a US `profile` the borrower is a US one (validation/_us_people.py)."""
    rows = numbered(raw)
    problems = Problems(rows)
    schema = loans_schema(profile)
    v = cleaned(raw, schema)
    check_filled(v, problems, schema)

    if is_us(profile):
        check_us_people(v, problems)
        v["time_zone"] = pc.fill_null(v["time_zone"], "")
    else:
        v["national_id"] = pc.utf8_upper(v["national_id"])
        national_id_given = col.present(v["national_id"])
        for error, mask in check_national_ids(v["national_id"], today).items():
            problems.refuse(mask & national_id_given, "national_id", *MESSAGES[error])
        v["region"] = pa.repeat(pa.scalar("", pa.string()), len(rows))

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
    for name in ("mobile", "emergency_contact_mobile") if not is_us(profile) else ():
        problems.refuse(col.present(v[name]) & ~col.matches(v[name], MOBILE_PATTERN), name, mobile_zh, mobile_en)
    problems.refuse(
        col.present(v["email"]) & ~col.matches(v["email"], EMAIL_PATTERN),
        "email",
        "不是有效的电子邮件地址",
        "not an email address",
    )
    _check_emergency_contact(v, problems)
    verified = _check_verified(v, problems)

    problems.refuse(
        col.present(v["product"]) & ~col.one_of(v["product"], set(products)),
        "product",
        "没有此产品代码（先运行 arrears products load）",
        "no product with this code (run arrears products load first)",
    )
    principal = check_yuan(v["principal"], "principal", problems)
    v["currency"] = _check_currency(v["currency"], currency, problems)
    term = _check_term(v["term_months"], problems)
    dated, start = check_date(v["start_date"], "start_date", problems)
    _check_start_plausible(dated, start, today, problems)

    typed_elsewhere = ("principal", "term_months", "start_date", *VERIFIED_COLUMNS)
    typed = pa.table(
        {
            "row": pa.array(rows),
            **{name: v[name] for name in LOANS.names if name not in typed_elsewhere},
            "principal": pa.array(principal, pa.int64()),
            "term_months": pa.array(term.astype(np.int16), pa.int16()),
            "start_date": col.as_dates(start),
            "region": v["region"],
            **verified,
        }
    )
    accepted, repeats, found = settle_repeats(typed, problems, v, LOANS.key)
    accepted, borrower_found = _borrowers_agree(accepted)
    accepted, verified_found = _verifications_agree(accepted)
    return Checked(
        rows=accepted, rejects=rejects_table(problems.found + found + borrower_found + verified_found), repeats=repeats
    )


def _check_currency(values: pa.Array, default: str, problems: Problems) -> pa.Array:
    """The loan's currency, ISO 4217 (any case), else the lender's; only the few distinct codes are looked up."""
    codes = pc.utf8_upper(values)
    given = col.present(codes)
    for code in pc.unique(codes.filter(pa.array(given))).to_pylist():
        reason = currency_error(code)
        if reason is not None:
            problems.refuse(given & col.to_numpy(pc.equal(codes, code)), "currency", *reason)
    return pc.if_else(pa.array(given), codes, default)


OLDEST_START_YEARS = 30  # no consumer loan still owed started longer ago
LATEST_START_DAYS = 366  # a loan booked ahead of its disbursement, at most a year


def _check_start_plausible(dated: np.ndarray, start: np.ndarray, today: dt.date, problems: Problems) -> None:
    """A real date can still be no loan's start: 1900-01-01 would age to 46,000 days past due."""
    earliest = col.epoch_day(dt.date(today.year - OLDEST_START_YEARS, 1, 1))
    latest = col.epoch_day(today + dt.timedelta(days=LATEST_START_DAYS))
    problems.refuse(
        dated & ((start < earliest) | (start > latest)),
        "start_date",
        f"起始日期不合理：应在 {today.year - OLDEST_START_YEARS} 年 1 月 1 日之后、今天起一年之内",
        f"not a plausible start date: it must fall after 1 January {today.year - OLDEST_START_YEARS} and within a year from today",
    )


def _check_verified(v: dict[str, pa.Array], problems: Problems) -> dict[str, pa.Array]:
    """The verified flags as booleans, null where the row says nothing."""
    typed = {}
    words = pa.array(list(FLAG_WORDS), pa.string())
    meanings = pa.array(list(FLAG_WORDS.values()), pa.bool_())
    for name, point in VERIFIED_COLUMNS.items():
        flag = pc.utf8_lower(v[name])
        given = col.present(flag)
        known = col.one_of(flag, FLAG_WORDS)
        problems.refuse(
            given & ~known,
            name,
            "应为 true 或 false（也可写 1/0、yes/no）；留空表示不说明",
            "must be true or false (or 1/0, yes/no); leave it empty to say nothing",
        )
        problems.refuse(
            given & known & ~col.present(v[point]),
            name,
            f"没有 {point} 时不能说明它是否已核实",
            f"says whether the {point} is verified, but the row gives no {point}",
        )
        typed[name] = meanings.take(pc.index_in(flag, value_set=words))
    return typed


def _check_emergency_contact(v: dict[str, pa.Array], problems: Problems) -> None:
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


def _check_term(values: pa.Array, problems: Problems) -> np.ndarray:
    shaped = col.matches(values, TERM_PATTERN)
    months = col.whole_numbers(values, shaped)
    problems.refuse(
        col.present(values) & ~(shaped & (months >= 1) & (months <= MAX_TERM_MONTHS)),
        "term_months",
        f"期数应为 1 到 {MAX_TERM_MONTHS} 的整数",
        f"must be a whole number of months from 1 to {MAX_TERM_MONTHS}",
    )
    return np.where(shaped & (months <= MAX_TERM_MONTHS), months, 0)


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


def _verifications_agree(accepted: pa.Table) -> tuple[pa.Table, Found]:
    """Rows of one borrower that name the same contact point must not say otherwise whether it is
    verified: the first row that says something sets it, a later row saying the opposite is refused."""
    rows = accepted.column("row").to_numpy()
    disagree = np.zeros(accepted.num_rows, dtype=bool)
    found: Found = []
    for name, point in VERIFIED_COLUMNS.items():
        flag = accepted.column(name).combine_chunks()
        said = col.to_numpy(pc.is_valid(flag))
        keys = pc.binary_join_element_wise(accepted.column("borrower_id"), accepted.column(point), "\x1f")
        keys = pc.if_else(pa.array(said), keys, pa.scalar(None, pa.string()))
        firsts = col.first_positions(keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys)
        later = said & (firsts != np.arange(accepted.num_rows))
        if not later.any():
            continue
        differs = np.zeros(accepted.num_rows, dtype=bool)
        differs[later] = ~col.to_numpy(pc.equal(flag.filter(pa.array(later)), flag.take(pa.array(firsts[later]))))
        if differs.any():
            found.append(
                (
                    rows[differs],
                    name,
                    "本文件较早的一行对同一联系方式是否已核实的说法不同",
                    "an earlier row of this file says otherwise whether this contact point is verified",
                )
            )
        disagree |= differs
    return accepted.filter(pa.array(~disagree)), found
