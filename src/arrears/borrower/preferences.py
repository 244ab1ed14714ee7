"""A borrower's communication preferences: the hours they may be contacted in and channels they opt
out of. They tighten the guard for that borrower and never loosen it: an opt-out is the guard's own
channel opt-out (`contact.optouts`), and the hours add a refusal to an otherwise allowed decision.

    set_preferences(borrower, earliest=time(10), latest=time(18), opt_out=("call",))
    decision = with_preferences(decision, debtor_id=7, channel="sms", at=instant, time_zone="Asia/Shanghai")
    planned_start(as_of, "Asia/Shanghai", "18:00:00", "20:00:00")   # when the night plans their contacts

The night plans a borrower's contacts at the start of their hours when the usual contact time
(arrears.workday) falls outside them, so the plan, the outbox and the send-time check agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from arrears import clock
from arrears.errors import InputError

TIMED_CHANNELS = frozenset({"call", "sms", "app_push", "visit"})
POINT_KINDS = {"call": "mobile", "sms": "mobile", "app_push": "mobile", "email": "email", "letter": "address"}
RULE_ID = "borrower.preferred_hours"


def outside(earliest: dt.time, latest: dt.time, local: dt.time) -> bool:
    """Pure: `local` falls outside [earliest, latest)."""
    return not (earliest <= local < latest)


PREFERRED_HOURS_SQL = (
    "LEFT JOIN borrower_contactpreference pref ON pref.borrower_id = {borrower}"
)
"""Joined by the night's set-based readers; they select `CAST(pref.earliest AS TEXT)` and `CAST(pref.latest AS TEXT)`."""


def _time(value) -> dt.time | None:
    if value is None or isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(str(value)[:8])


def planned_start(as_of: dt.date, time_zone: str, earliest=None, latest=None) -> dt.datetime:
    """When the night's contacts for a borrower start (UTC): the usual contact time, or the start of
    the borrower's hours (a time or its text, e.g. "18:00:00") when the usual time is outside them."""
    from arrears.workday import contact_instant

    usual = contact_instant(as_of, time_zone)
    earliest, latest = _time(earliest), _time(latest)
    if earliest is None or latest is None:
        return usual
    zone = ZoneInfo(time_zone)
    local = usual.astimezone(zone)
    if not outside(earliest, latest, local.time()):
        return usual
    return dt.datetime.combine(local.date(), earliest, tzinfo=zone).astimezone(dt.UTC)


def planned_starts(as_of: dt.date, zones: list, earliest: list, latest: list) -> list[dt.datetime]:
    """`planned_start` for many rows, each distinct (zone, hours) worked out once."""
    cache: dict[tuple, dt.datetime] = {}
    out = []
    for key in zip(zones, earliest, latest, strict=True):
        if key not in cache:
            cache[key] = planned_start(as_of, *key)
        out.append(cache[key])
    return out


def set_preferences(borrower, *, earliest: dt.time, latest: dt.time, preferred_channel: str = "", opt_out=()):
    from arrears.borrower.models import ContactPreference
    from arrears.contact.optouts import opt_out as record_opt_out
    from arrears.ledger.models import ContactPoint

    if earliest >= latest:
        raise InputError("开始时间须早于结束时间", "The start of the hours must come before their end")
    for channel in opt_out:
        if channel not in POINT_KINDS:
            raise InputError(f"未知渠道：{channel}", f"unknown channel {channel!r}")
    pref, _ = ContactPreference.objects.update_or_create(
        borrower=borrower, defaults={"earliest": earliest, "latest": latest, "preferred_channel": preferred_channel[:16],
                                     "updated_at": clock.now()})
    for channel in opt_out:
        points = ContactPoint.objects.filter(borrower=borrower, owner="borrower", kind=POINT_KINDS[channel])
        for point in points:
            record_opt_out(contact_point_id=point.pk, channel=channel, source="portal", detail="借款人自助设置 / set in the portal")
    return pref


def with_preferences(decision, *, debtor_id, channel: str, at: dt.datetime, time_zone: str, party: str = "debtor"):
    """The decision, refused as well when the borrower's hours exclude this moment (debtor contacts only)."""
    from arrears.borrower.models import ContactPreference
    from arrears.compliance.rules import Violation

    if channel not in TIMED_CHANNELS or party != "debtor":
        return decision
    pref = ContactPreference.objects.filter(borrower_id=int(debtor_id)).first()
    if pref is None:
        return decision
    local = at.astimezone(ZoneInfo(time_zone)).time()
    if not outside(pref.earliest, pref.latest, local):
        return decision
    window = f"{pref.earliest:%H:%M}–{pref.latest:%H:%M}"
    violation = Violation(rule_id=RULE_ID, reason_zh=f"借款人要求只在 {window} 联系",
                          reason_en=f"The borrower asked to be contacted only {window}")
    return dataclasses.replace(decision, allowed=False, violations=(*decision.violations, violation))
