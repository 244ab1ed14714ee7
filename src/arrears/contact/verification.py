"""A contact point verified, or no longer verified: who, how and when.

    mark_verified(point_id, method="call", by=user)              # the borrower confirmed it on a call
    mark_unverified(point_id, method="returned_mail")            # a letter came back

The guard sends letters and allows visits only to a verified address (`cn.contact_point_verified`),
so these are the ways an address becomes usable: the loans feed's `verified` column, a collector
confirming it with the borrower on a call, a visit meeting the borrower there, the borrower
confirming it themselves. A wrong number or a returned letter takes the verification away.
Each change is kept in `ContactPointVerification`; the point's `verified` flag is the latest.
"""

from __future__ import annotations

import datetime as dt

from arrears import clock
from arrears.errors import InputError

METHODS = ("feed", "call", "visit", "borrower", "staff", "wrong_number", "returned_mail")


def _set(point_id: int, *, verified: bool, method: str, by=None, at: dt.datetime | None = None, attempt_id=None,
         note: str = "", invalid: bool = False) -> bool:
    """Record the change; returns whether the point's flag changed."""
    from arrears.contact.models import ContactPointVerification
    from arrears.ledger.models import ContactPoint

    if method not in METHODS:
        raise InputError(f"未知的核实方式：{method}", f"unknown verification method {method!r}")
    point = ContactPoint.objects.filter(pk=point_id).values("verified", "valid").first()
    if point is None:
        raise InputError(f"找不到联系方式 {point_id}", f"no contact point {point_id}")
    changes = {"verified": verified}
    if invalid:
        changes["valid"] = False
    ContactPoint.objects.filter(pk=point_id).update(**changes)
    ContactPointVerification.objects.create(
        contact_point_id=point_id, verified=verified, was_verified=point["verified"], was_valid=point["valid"],
        method=method, at=at or clock.now(),
        by=by if getattr(by, "pk", None) else None, attempt_id=attempt_id, note=note[:300],
    )
    return point["verified"] != verified or (invalid and point["valid"])


def mark_verified(point_id: int, *, method: str, by=None, at=None, attempt_id=None, note: str = "") -> bool:
    return _set(point_id, verified=True, method=method, by=by, at=at, attempt_id=attempt_id, note=note)


def mark_unverified(point_id: int, *, method: str, by=None, at=None, attempt_id=None, note: str = "",
                    invalid: bool = False) -> bool:
    """No longer verified; with `invalid`, no longer usable at all (a wrong number)."""
    return _set(point_id, verified=False, method=method, by=by, at=at, attempt_id=attempt_id, note=note,
                invalid=invalid)
