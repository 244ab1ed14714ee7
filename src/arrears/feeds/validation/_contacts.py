"""The contacts feed's rules: those of the file alone, and those that need the ledger."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arrears.contact.outcomes import is_conversation
from arrears.feeds import columns as col
from arrears.feeds.schemas import CONTACT_CHANNELS, CONTACT_OUTCOMES, CONTACTS, PARTIES, is_us
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
from arrears.feeds.validation._loans import EMAIL_PATTERN, MOBILE_PATTERN
from arrears.feeds.validation._us_people import check_phones
from arrears.ledger.identity import MESSAGES, IdentityError

SOURCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
"""No colon: the attempt's key `feed:<source>:<record_id>` must name one source and record."""
SHA256_PATTERN = r"^[0-9a-f]{64}$"
DURATION_PATTERN = r"^[0-9]{1,6}$"
MAX_DURATION_SECONDS = 86_400
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
"""How far past the clock a time may be: the sender's clock may run a little ahead."""
_MOBILE_PREFIX = r"^(?:\+86|0086|86)(1[3-9][0-9]{9})$"
_TALKS = [f"{channel}\x1f{outcome}" for channel in CONTACT_CHANNELS for outcome in CONTACT_OUTCOMES
          if is_conversation(channel, outcome)]
_POINT_WORDS = {
    "mobile": ("手机号", "a mobile number"),
    "email": ("电子邮件地址", "an email address"),
    "address": ("地址", "an address"),
}


def check_contacts(raw: pa.Table, *, now: dt.datetime, zone: str, profile: str = "cn") -> Checked:
    """The contacts feed's rules that need nothing but the file; `now` is the clock's instant and
    `zone` the lender's IANA zone, whose date of a contact is its business date (`as_of`); under a
    US `profile` a mobile is an E.164 number, as the loans feed keeps it."""
    rows = numbered(raw)
    problems = Problems(rows)
    v = cleaned(raw, CONTACTS)
    v["recording_sha256"] = pc.utf8_lower(v["recording_sha256"])
    check_filled(v, problems, CONTACTS)
    problems.refuse(
        col.present(v["source"]) & ~col.matches(v["source"], SOURCE_PATTERN),
        "source",
        "来源系统名只能由字母、数字、点、下划线和连字符组成",
        "a source's name may hold only letters, digits, '.', '_' and '-'",
    )
    channels = ", ".join(CONTACT_CHANNELS)
    channel_known = col.one_of(v["channel"], set(CONTACT_CHANNELS))
    problems.refuse(
        col.present(v["channel"]) & ~channel_known, "channel", f"渠道应为 {channels} 之一",
        f"channel must be one of {channels}",
    )
    party_given = col.present(v["party"])
    parties = ", ".join(PARTIES)
    problems.refuse(
        party_given & ~col.one_of(v["party"], PARTIES), "party", f"对象应为 {parties} 之一（留空即 debtor）",
        f"party must be one of {parties} (empty means debtor)",
    )
    v["party"] = pc.if_else(pa.array(party_given), v["party"], PARTIES[0])
    _check_outcome(v, problems)
    kind = _point_kind(v["channel"], channel_known)
    v["contact"] = _check_contact(v["contact"], kind, problems) if not is_us(profile) else _check_us_contact(
        v["contact"], kind, problems
    )
    time_ok, instants, as_of = _check_time(v["attempted_at"], problems, now=now, zone=zone)
    amount, amount_given, due, due_given = _check_promise(v, problems, time_ok, as_of)
    duration, duration_given = _check_duration(v["duration_seconds"], problems)
    _check_recording(v, problems)

    typed = pa.table(
        {
            "row": pa.array(rows),
            "idempotency_key": pc.binary_join_element_wise("feed", v["source"], v["record_id"], ":"),
            "source": v["source"],
            "record_id": v["record_id"],
            "loan_id": v["loan_id"],
            "channel": v["channel"],
            "kind": kind,
            "contact": v["contact"],
            "party": v["party"],
            "attempted_at": col.as_instants(instants),
            "as_of": col.as_dates(as_of),
            "outcome": v["outcome"],
            "conversation": pa.array(col.one_of(pc.binary_join_element_wise(v["channel"], v["outcome"], "\x1f"), _TALKS)),
            "promise_amount": pa.array(amount, pa.int64(), mask=~amount_given),
            "promise_date": pa.array(due.astype(np.int32), pa.int32(), mask=~due_given).cast(pa.date32()),
            "duration_seconds": pa.array(duration, pa.int64(), mask=~duration_given),
            "note": v["note"],
            "recording_ref": v["recording_ref"],
            "recording_sha256": v["recording_sha256"],
            "transcript": v["transcript"],
        }
    )
    accepted, repeats, found = settle_repeats(typed, problems, v, "idempotency_key", field=CONTACTS.key)
    return Checked(rows=accepted, rejects=rejects_table(problems.found + found), repeats=repeats)


def _check_outcome(v: dict[str, pa.Array], problems: Problems) -> None:
    outcome, channel = v["outcome"], v["channel"]
    outcomes = ", ".join(CONTACT_OUTCOMES)
    problems.refuse(
        col.present(outcome) & ~col.one_of(outcome, CONTACT_OUTCOMES), "outcome", f"结果应为 {outcomes} 之一",
        f"outcome must be one of {outcomes}",
    )
    problems.refuse(
        col.to_numpy(pc.equal(outcome, "returned_mail")) & col.present(channel)
        & ~col.to_numpy(pc.equal(channel, "letter")),
        "outcome",
        "信函退回（returned_mail）只适用于渠道 letter",
        "returned_mail goes with the channel letter only",
    )
    problems.refuse(
        col.one_of(outcome, ("delivered", "undelivered")) & col.to_numpy(pc.equal(channel, "call")),
        "outcome",
        "电话没有送达结果：请用 right_party_contact、no_answer 等",
        "a call is not delivered: use an outcome such as right_party_contact or no_answer",
    )


def _point_kind(channels: pa.Array, known: np.ndarray) -> pa.Array:
    """The kind of contact point each row's channel uses; empty for an unknown channel."""
    kinds = pa.array(list(CONTACT_CHANNELS.values()), pa.string())
    at = pc.index_in(channels, value_set=pa.array(list(CONTACT_CHANNELS), pa.string()))
    return pc.if_else(pa.array(known), kinds.take(at), "")


def _check_us_contact(contact: pa.Array, kind: pa.Array, problems: Problems) -> pa.Array:
    """A US lender's contact: a mobile in E.164 (phonenumbers, as the loans feed checks it); the rest as sent."""
    mobile = col.to_numpy(pc.equal(kind, "mobile"))
    bare = pc.replace_substring_regex(contact, r"[ ()\-]", "")
    mobiles = pc.if_else(pa.array(mobile), bare, "")
    checked = check_phones(mobiles, "contact", problems)
    contact = pc.if_else(pa.array(mobile), checked, contact)
    problems.refuse(
        col.present(contact) & col.to_numpy(pc.equal(kind, "email")) & ~col.matches(contact, EMAIL_PATTERN),
        "contact",
        "不是有效的电子邮件地址",
        "not an email address",
    )
    return contact


def _check_contact(contact: pa.Array, kind: pa.Array, problems: Problems) -> pa.Array:
    """The contact as the ledger keeps it: a mobile without blanks, hyphens, brackets or +86; the
    rest as sent (trimmed)."""
    mobile = col.to_numpy(pc.equal(kind, "mobile"))
    bare = pc.replace_substring_regex(contact, r"[ ()\-]", "")
    contact = pc.if_else(pa.array(mobile), pc.replace_substring_regex(bare, _MOBILE_PREFIX, r"\1"), contact)
    given = col.present(contact)
    problems.refuse(given & mobile & ~col.matches(contact, MOBILE_PATTERN), "contact", *MESSAGES[IdentityError.MOBILE_FORMAT])
    problems.refuse(
        given & col.to_numpy(pc.equal(kind, "email")) & ~col.matches(contact, EMAIL_PATTERN),
        "contact",
        "不是有效的电子邮件地址",
        "not an email address",
    )
    return contact


def _check_time(values: pa.Array, problems: Problems, *, now: dt.datetime,
                zone: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(valid, microseconds since the epoch, the business date as epoch days) of `attempted_at`."""
    given = col.present(values)
    zoneless = col.matches(values, col.ZONELESS_PATTERN)
    problems.refuse(
        given & zoneless,
        "attempted_at",
        "时间缺少时区：请加上与 UTC 的偏移（如 +08:00）或 Z",
        "the time has no time zone: add its offset from UTC (such as +08:00) or Z",
    )
    ok, micros = col.iso_instants(values)
    problems.refuse(
        given & ~zoneless & ~ok,
        "attempted_at",
        "应为带时区的 ISO 8601 时间，如 2026-03-01T14:05:00+08:00",
        "must be an ISO 8601 time with its offset, such as 2026-03-01T14:05:00+08:00",
    )
    latest = (now - dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + FUTURE_TOLERANCE) // dt.timedelta(microseconds=1)
    future = ok & (micros > latest)
    problems.refuse(future, "attempted_at", "联系时间在未来", "the time is in the future")
    return ok & ~future, micros, col.local_days(col.as_instants(micros), zone)


def _check_promise(
    v: dict[str, pa.Array], problems: Problems, time_ok: np.ndarray, as_of: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A promise's amount (fen) and pay-by date: both exactly when the outcome is `promise`."""
    promise = col.to_numpy(pc.equal(v["outcome"], "promise"))
    for name in ("promise_amount", "promise_date"):
        given = col.present(v[name])
        problems.refuse(
            promise & ~given, name, "承诺还款须填写承诺金额和日期", "a promise needs promise_amount and promise_date"
        )
        problems.refuse(
            ~promise & given,
            name,
            "只有结果为 promise（承诺还款）时才能填写承诺金额和日期",
            "promise_amount and promise_date go with the outcome promise only",
        )
    amount = check_yuan(v["promise_amount"], "promise_amount", problems)
    day_ok, due = check_date(v["promise_date"], "promise_date", problems)
    problems.refuse(
        promise & day_ok & time_ok & (due < as_of),
        "promise_date",
        "承诺还款日期不能早于联系当天",
        "the promised date cannot be before the day of the contact",
    )
    return amount, col.present(v["promise_amount"]), due, day_ok


def _check_duration(values: pa.Array, problems: Problems) -> tuple[np.ndarray, np.ndarray]:
    given = col.present(values)
    shaped = col.matches(values, DURATION_PATTERN)
    seconds = col.whole_numbers(values, shaped)
    ok = shaped & (seconds <= MAX_DURATION_SECONDS)
    problems.refuse(
        given & ~ok,
        "duration_seconds",
        f"时长应为 0 到 {MAX_DURATION_SECONDS} 的整数秒",
        f"must be a whole number of seconds from 0 to {MAX_DURATION_SECONDS}",
    )
    return np.where(ok, seconds, 0), ok


def _check_recording(v: dict[str, pa.Array], problems: Problems) -> None:
    digest = v["recording_sha256"]
    given = col.present(digest)
    problems.refuse(
        given & ~col.matches(digest, SHA256_PATTERN),
        "recording_sha256",
        "应为 SHA-256 摘要：64 个十六进制字符",
        "must be a SHA-256 digest: 64 hexadecimal characters",
    )
    problems.refuse(
        given & ~col.present(v["recording_ref"]),
        "recording_sha256",
        "填写录音摘要时须同时填写 recording_ref",
        "a recording's digest needs its recording_ref",
    )
    transcript = col.present(v["transcript"])
    problems.refuse(
        transcript & ~col.present(v["recording_ref"]),
        "transcript",
        "通话转写须同时填写录音位置 recording_ref",
        "a call transcript needs its recording_ref",
    )
    problems.refuse(
        transcript & col.present(v["channel"]) & ~col.to_numpy(pc.equal(v["channel"], "call")),
        "transcript",
        "通话转写只适用于渠道 call",
        "a transcript goes with the channel call only",
    )


def empty_contacts_ledger() -> pa.Table:
    """What the ledger holds about a contacts file's rows (see check_contacts_against_ledger)."""
    return pa.table(
        {
            "row": pa.array([], pa.int64()),
            "loan_pk": pa.array([], pa.int64()),
            "start_date": pa.array([], pa.date32()),
            "point_id": pa.array([], pa.int64()),
            "owner": pa.array([], pa.string()),
            "held": pa.array([], pa.int64()),
            "same": pa.array([], pa.int64()),
            "product_kind": pa.array([], pa.string()),
        }
    )


def check_contacts_against_ledger(checked: Checked, ledger: pa.Table) -> Checked:
    """The rules that need the ledger: the loan exists and had started by the contact's day; the
    contact is one of its borrower's contact points of the channel's kind, owned by the party; a
    record already held is the same attempt (a repeat) or refused.

    ledger: one line per accepted row (by `row`): the loan's id and start date, the matching
        contact point's id and owner (null when none), whether the record's key is held (1/0), and
        whether what is held is the same attempt (1/0), as `empty_contacts_ledger`.
    The rows kept gain `loan_pk`, `point_id` and `product_kind` (the loan's product's kind).
    """
    contacts = checked.rows
    rows = contacts.column("row").to_numpy()
    problems = Problems(rows)
    at = pc.index_in(contacts.column("row"), value_set=ledger.column("row").combine_chunks())

    def found(name: str) -> pa.Array:
        return ledger.column(name).combine_chunks().take(at)

    known_loan = col.to_numpy(pc.is_valid(found("loan_pk")))
    problems.refuse(~known_loan, "loan_id", "账本中没有此贷款", "no loan with this loan_id in the ledger")
    problems.refuse(
        known_loan & col.to_numpy(pc.less(contacts.column("as_of"), found("start_date"))),
        "attempted_at",
        "联系日期早于贷款开始日",
        "the contact is dated before the loan's start date",
    )
    known_point = col.to_numpy(pc.is_valid(found("point_id")))
    kinds = contacts.column("kind").combine_chunks()
    for kind, (zh, en) in _POINT_WORDS.items():
        problems.refuse(
            known_loan & ~known_point & col.to_numpy(pc.equal(kinds, kind)),
            "contact",
            f"不是此贷款借款人登记的{zh}（先在贷款文件中提供）",
            f"not {en} the ledger holds for this loan's borrower (send it in the loans feed first)",
        )
    owner, party = found("owner"), contacts.column("party").combine_chunks()
    problems.refuse(
        known_point & col.to_numpy(pc.equal(party, "third_party")) & col.to_numpy(pc.equal(owner, "borrower")),
        "party",
        "此联系方式属于借款人本人：party 应为 debtor",
        "this contact point is the borrower's own: party must be debtor",
    )
    problems.refuse(
        known_point & col.to_numpy(pc.equal(party, "debtor")) & col.to_numpy(pc.not_equal(owner, "borrower")),
        "party",
        "此联系方式属于第三方（紧急联系人）：party 应为 third_party",
        "this contact point is a third party's (an emergency contact): party must be third_party",
    )
    held = col.to_numpy(pc.equal(found("held"), 1))
    same = held & col.to_numpy(pc.equal(found("same"), 1))
    problems.refuse(
        held & ~same,
        "record_id",
        "此来源的这条记录已登记过，内容不同",
        "this source's record_id is already recorded with different values",
    )
    keep = ~problems.rejected & ~same
    kept = (contacts.append_column("loan_pk", found("loan_pk")).append_column("point_id", found("point_id"))
            .append_column("product_kind", found("product_kind")))
    return Checked(
        rows=kept.filter(pa.array(keep)),
        rejects=merge_rejects(checked.rejects, problems.table()),
        repeats=checked.repeats + int((same & ~problems.rejected).sum()),
    )
