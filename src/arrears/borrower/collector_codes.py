"""Verify your collector: every outbound call carries a short code, as every visit does.

    code = issue_call_code(user, loan)       # read out on the call; valid CALL_WINDOW
    found = check_code("ABCD-EFGH")          # who, staff number, organisation, time window — or None

What the borrower sees names the person and their organisation (the lender's own team or a
whitelisted agency) and the contact's time window, never anything about the debt. Codes use the
visits' alphabet and are stored as the same keyed digest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from arrears import clock
from arrears.visits import codes

CALL_WINDOW = dt.timedelta(hours=2)


@dataclass(frozen=True)
class Verified:
    name: str
    staff_number: str
    organisation: str  # "" for the lender's own staff
    starts: dt.datetime
    ends: dt.datetime
    kind: str  # "call" or "visit"


def _key() -> bytes:
    return settings.SECRET_KEY.encode()


def issue_call_code(user, loan, now: dt.datetime | None = None) -> str:
    from arrears.borrower.models import CallCode

    now = now or clock.now()
    code = codes.new_code()
    CallCode.objects.create(digest=codes.code_digest(code, key=_key()), user=user, loan=loan, issued_at=now,
                            expires_at=now + CALL_WINDOW)
    return codes.shown(code)


def _person(user) -> tuple[str, str, str]:
    from arrears.agencies.models import AgencyStaff

    staff = AgencyStaff.objects.select_related("agency").filter(user=user).first()
    if staff is not None:
        return staff.full_name, staff.credential_number, staff.agency.name
    return (user.get_full_name() or user.get_username()), user.get_username(), ""


def check_code(text: str, now: dt.datetime | None = None) -> Verified | None:
    """The call or visit the code belongs to, while it is valid; None when it is not one of ours."""
    from arrears.borrower.models import CallCode
    from arrears.visits.models import State, Visit

    now = now or clock.now()
    cleaned = codes.normalised(text)
    if cleaned is None:
        return None
    digest = codes.code_digest(cleaned, key=_key())
    call = CallCode.objects.select_related("user").filter(digest=digest, issued_at__lte=now, expires_at__gt=now).first()
    if call is not None:
        name, number, organisation = _person(call.user)
        return Verified(name, number, organisation, call.issued_at, call.expires_at, "call")
    visit = Visit.objects.select_related("agency").filter(code_digest=digest).first()
    if visit is None or visit.state not in (State.SCHEDULED, State.IN_PROGRESS) or visit.code_expires_at is None \
            or now >= visit.code_expires_at:
        return None
    people = [(c.staff.full_name, c.staff.credential_number) if c.staff_id else _person(c.user)[:2]
              for c in visit.collectors.select_related("staff", "user")]
    name = "、".join(p[0] for p in people)
    number = "、".join(p[1] for p in people)
    return Verified(name, number, visit.agency.name if visit.agency else "", visit.starts_at, visit.ends_at, "visit")


def reply_text(found: Verified | None, whitelist_url: str) -> str:
    """The SMS answer to a code sent by reply."""
    if found is None:
        return (f"此核验码不是我们的。请勿付款或透露信息，并举报：{whitelist_url} "
                f"This code is not one of ours. Do not pay or give details; report it: {whitelist_url}")
    organisation = found.organisation or "本机构 / the lender"
    return (f"核验通过：{found.name}（工号 {found.staff_number}），{organisation}，"
            f"{found.starts:%H:%M}–{found.ends:%H:%M} / Genuine: {found.name} ({found.staff_number}), {organisation}")
