"""Holds: placed and released by the people allowed to, with a reason and an optional end date.

    hold = place_hold(loan_id=7, kind="bankruptcy", reason="court notice 2026-0412", by=user, source="web")
    release_hold(hold.pk, reason="stay lifted", by=user)
    in_force(loan_id=7)                       # the holds in force now
    place_hold(loan_id=7, kind="complaint_review", reason="…", source="complaint", agency_id=3)  # only agency 3

A hold covers the whole loan, or only what it names: one agency (its portal, its messages, its
visits, and no new placement with it), one in-house collector (their calls and visits) or one
channel. A scoped hold binds an action only when the action is by that agency, that collector or on
that channel; everything else on the loan goes on (docs/holds.md).

A hold is in force from `since` until `until`; with no `until` it stands until released. A hold with
an end date expires by itself: nothing has to run for it to stop binding, since everything that
reads holds asks whether it is in force at its own instant (`in_force_sql` for the set-based readers).

While a hold is in force the compliance guard allows only what the profile's rule for the kind
allows (a dispute: notices and opt-out confirmations; bankruptcy: nothing), so the plan, the outbox,
the agency portal and visits all stop at once. Who may place and release each kind is in
`PLACE_ROLES` and `RELEASE_ROLES`; an outcome's effect (a dispute recorded on a call) places a hold
on behalf of whoever recorded the contact.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from arrears import clock
from arrears.access.roles import Role, roles_of
from arrears.errors import InputError

KINDS = ("dispute_open", "cease_contact", "complaint_review", "bankruptcy", "deceased", "legal_hold")
KIND_WORDS = {
    "dispute_open": ("债务争议", "dispute open"),
    "cease_contact": ("停止联系", "cease contact"),
    "complaint_review": ("投诉处理中", "complaint under review"),
    "bankruptcy": ("破产", "bankruptcy"),
    "deceased": ("借款人身故", "deceased"),
    "legal_hold": ("法律程序暂停", "legal hold"),
}
_STAFF = frozenset({Role.ADMIN, Role.TEAM_LEAD, Role.COLLECTOR, Role.COMPLIANCE_OFFICER})
_REVIEWERS = frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER})
PLACE_ROLES: dict[str, frozenset[Role]] = {
    "dispute_open": _STAFF,
    "cease_contact": _STAFF,
    "complaint_review": _REVIEWERS | {Role.TEAM_LEAD},
    "bankruptcy": _REVIEWERS | {Role.TEAM_LEAD, Role.LEGAL_OFFICER},
    "deceased": _REVIEWERS | {Role.TEAM_LEAD, Role.LEGAL_OFFICER},
    "legal_hold": frozenset({Role.ADMIN, Role.LEGAL_OFFICER}),
}
RELEASE_ROLES: dict[str, frozenset[Role]] = {
    "dispute_open": _REVIEWERS | {Role.TEAM_LEAD},
    "cease_contact": _REVIEWERS,
    "complaint_review": _REVIEWERS,
    "bankruptcy": _REVIEWERS | {Role.LEGAL_OFFICER},
    "deceased": _REVIEWERS | {Role.LEGAL_OFFICER},
    "legal_hold": frozenset({Role.ADMIN, Role.LEGAL_OFFICER}),
}
MAX_REASON = 2000


def kind_words(kind: str) -> tuple[str, str]:
    return KIND_WORDS.get(kind, (kind, kind))


def in_force_sql(alias: str, at: str) -> str:
    """SQL: the hold `alias` is in force at the instant `at` (an SQL expression or literal)."""
    return f"{alias}.since <= {at} AND ({alias}.until IS NULL OR {alias}.until > {at})"


def whole_loan_sql(alias: str) -> str:
    """SQL: the hold `alias` covers the whole loan (it names no agency, collector or channel)."""
    return f"{alias}.scope_agency_id IS NULL AND {alias}.scope_collector_id IS NULL AND {alias}.scope_channel = ''"


def scope_words(hold) -> tuple[str, str]:
    """What a hold covers, in both languages."""
    if hold.scope_agency_id is not None:
        name = hold.scope_agency.name
        return f"仅限委外机构“{name}”", f"only the agency {getattr(hold.scope_agency, 'name_en', '') or name}"
    if hold.scope_collector_id is not None:
        user = hold.scope_collector
        return f"仅限催收员 {user.get_username()}", f"only the collector {user.get_username()}"
    if hold.scope_channel:
        return f"仅限{CHANNEL_WORDS.get(hold.scope_channel, (hold.scope_channel,))[0]}渠道", f"only the channel {hold.scope_channel}"
    return "整笔贷款", "the whole loan"


CHANNEL_WORDS = {"call": ("电话", "call"), "sms": ("短信", "SMS"), "email": ("邮件", "email"), "letter": ("信函", "letter"),
                 "visit": ("上门", "visit"), "app_push": ("App 推送", "app push")}


def in_force(loan_id: int, at: dt.datetime | None = None):
    """The loan's holds in force at `at` (default now), oldest first."""
    from django.db.models import Q

    from arrears.cases.models import AccountHold

    at = at or clock.now()
    return (
        AccountHold.objects.filter(loan_id=loan_id, since__lte=at)
        .filter(Q(until__isnull=True) | Q(until__gt=at))
        .order_by("since", "pk")
    )


def may_place(user, kind: str) -> bool:
    return bool(roles_of(user) & PLACE_ROLES.get(kind, frozenset()))


def may_release(user, kind: str) -> bool:
    return bool(roles_of(user) & RELEASE_ROLES.get(kind, frozenset()))


class HoldRefused(InputError):
    """The person may not place or release that kind of hold (HTTP 403)."""


def require_may(user, verb: str, kind: str) -> None:
    allowed = may_place(user, kind) if verb == "place" else may_release(user, kind)
    if not allowed:
        zh, en = kind_words(kind)
        raise HoldRefused(
            f"您的角色不能{'设置' if verb == 'place' else '解除'}“{zh}”暂停",
            f"Your role may not {verb} a hold of the kind '{en}'",
        )


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise InputError(
            f"未知的暂停类型：{kind}（可选 {'、'.join(KINDS)}）", f"unknown hold kind {kind!r}; choose one of {', '.join(KINDS)}"
        )


def _reason(text: str, *, what_zh: str, what_en: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InputError(f"{what_zh}须说明原因", f"{what_en} needs a reason")
    if len(text) > MAX_REASON:
        raise InputError(f"原因不能超过 {MAX_REASON} 字", f"The reason may be at most {MAX_REASON} characters")
    return text


def _check_scope(agency_id, collector_id, channel: str) -> None:
    named = [value for value in (agency_id, collector_id, channel) if value]
    if len(named) > 1:
        raise InputError("暂停只能限于一个委外机构、一名催收员或一个渠道", "A hold may name one agency, one collector or one channel")
    if channel and channel not in CHANNEL_WORDS:
        raise InputError(f"未知渠道：{channel}", f"unknown channel {channel!r}")


def place_hold(*, loan_id: int, kind: str, reason: str, source: str, by=None, since: dt.datetime | None = None,
               until: dt.datetime | None = None, agency_id: int | None = None, collector_id: int | None = None,
               channel: str = ""):
    """Place a hold from `since` (default now) until `until` (None: until released), on the whole
    loan or only on one agency, one collector or one channel."""
    from arrears.cases.models import AccountHold
    from arrears.ledger.models import Loan

    _check_kind(kind)
    _check_scope(agency_id, collector_id, channel)
    reason = _reason(reason, what_zh="设置暂停", what_en="A hold")
    since = since or clock.now()
    if until is not None and until <= since:
        raise InputError("暂停的结束时间须晚于开始时间", "A hold's end must come after its start")
    if not Loan.objects.filter(pk=loan_id).exists():
        raise InputError(f"找不到贷款 {loan_id}", f"no loan {loan_id}")
    from arrears.audit.events import hold_placed

    with transaction.atomic():
        hold = AccountHold.objects.create(
            loan_id=loan_id, kind=kind, since=since, until=until, reason=reason, source=source[:24],
            placed_by=by if getattr(by, "pk", None) else None, scope_agency_id=agency_id, scope_collector_id=collector_id,
            scope_channel=channel or "",
        )
        hold_placed(hold, by=by)
    return hold


def release_hold(hold_id: int, *, reason: str, by=None, at: dt.datetime | None = None):
    """End a hold now (or at `at`): it stops binding at once, and the release is kept with it."""
    from arrears.cases.models import AccountHold

    reason = _reason(reason, what_zh="解除暂停", what_en="Releasing a hold")
    at = at or clock.now()
    with transaction.atomic():
        hold = AccountHold.objects.select_for_update().filter(pk=hold_id).first()
        if hold is None:
            raise InputError(f"找不到暂停 {hold_id}", f"no hold {hold_id}")
        if hold.released_at is not None or (hold.until is not None and hold.until <= at):
            raise InputError("此暂停已结束", "This hold has already ended")
        hold.until = max(at, hold.since)
        hold.released_at = at
        hold.released_by = by if getattr(by, "pk", None) else None
        hold.release_reason = reason
        hold.save(update_fields=["until", "released_at", "released_by", "release_reason"])
        from arrears.audit.events import hold_released

        hold_released(hold, by=by)
    return hold
