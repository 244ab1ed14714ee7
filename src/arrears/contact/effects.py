"""What a recorded outcome changes: one module, called wherever an outcome is recorded.

    check_outcome("promise", channel="call", contact_point_id=11, details=details, day=today)  # InputError
    effects = apply_outcome(attempt, source="workbench", by=user, details=details)

The workbench, the agency portal and its results file and API, a visit's check-out and the contacts
feed all write a contact attempt and then call `apply_outcome` in the same transaction:

    promise              a pending promise to pay (amount in fen, pay-by date); the open case shows it
    dispute              a dispute hold: the guard then stops collection on the debt until it is released
    stop_channel         the contact point is opted out of that channel, and what waits in the outbox for it is blocked
    wrong_number         the contact point is marked invalid and no longer verified
    returned_mail        the address is no longer verified (letters and visits need a verified one)
    a visit that met     the address is verified by the visit
    the borrower there
    confirmed points     contact points the debtor confirmed during a contact that reached them become verified

Refusals, hardship claims, failed attempts and conversations have no effect of their own: the
strategy's facts and the guard count them from the attempts (arrears.contact.outcomes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from arrears.contact.outcomes import BY_CODE, NEEDS_CONTACT_POINT, VISIT_OUTCOMES
from arrears.errors import InputError

CONFIRMED_BY = {"call": "call", "visit": "visit"}  # how a point is verified when confirmed on that channel


@dataclass(frozen=True, slots=True)
class OutcomeDetails:
    """What comes with an outcome: a promise's amount (fen) and date, the contact points the debtor
    confirmed, and the note that explains it."""

    promise_amount: int | None = None
    promise_due: dt.date | None = None
    confirmed_points: tuple[int, ...] = ()
    note: str = ""


NO_DETAILS = OutcomeDetails()


def check_outcome(outcome: str, *, channel: str, contact_point_id: int | None, details: OutcomeDetails,
                  day: dt.date) -> None:
    """The checks every entry point makes before it writes the attempt; raises InputError (zh/en)."""
    kind = BY_CODE.get(outcome)
    if kind is None:
        raise InputError(f"未知的联系结果：{outcome}", f"unknown outcome {outcome!r}")
    if channel == "visit" and outcome not in VISIT_OUTCOMES:
        raise InputError(f"上门不能以“{kind.label_zh}”结束", f"a visit cannot end with the outcome '{kind.label_en}'")
    if outcome in NEEDS_CONTACT_POINT and contact_point_id is None:
        raise InputError("此结果需要选择联系方式", "This outcome needs the contact point it is about")
    if outcome == "promise":
        if details.promise_amount is None or details.promise_due is None:
            raise InputError("承诺还款需要金额和日期", "A promise needs an amount and a date")
        if details.promise_amount <= 0:
            raise InputError("承诺金额必须大于零", "The promised amount must be more than zero")
        if details.promise_due < day:
            raise InputError("承诺还款日期不能早于联系日", "A promise's pay-by date cannot be before the contact")
    elif details.promise_amount is not None or details.promise_due is not None:
        raise InputError("只有结果为“承诺还款”时才能填写承诺金额和日期", "A promised amount and date go with the outcome 'promise' only")
    if details.confirmed_points and not kind.reached:
        raise InputError("只有联系到本人时才能确认联系方式", "Contact points can be confirmed only when the debtor was reached")


def apply_outcome(attempt, *, source: str, by=None, details: OutcomeDetails = NO_DETAILS) -> tuple[str, ...]:
    """Give the recorded `attempt`'s outcome its effects; returns their names. Call it inside the
    transaction that wrote the attempt, after `check_outcome`."""
    from arrears.ledger.models import ContactPoint

    outcome, channel, point_id = attempt.outcome, attempt.channel, attempt.contact_point_id
    at = attempt.attempted_at
    effects: list[str] = []
    if outcome == "promise":
        _promise(attempt, by, details)
        effects.append("promise")
    elif outcome == "dispute":
        from arrears.cases.holds import place_hold

        reason = details.note.strip() or f"{source}: {by.get_username() if by is not None else source}"
        place_hold(loan_id=attempt.loan_id, kind="dispute_open", reason=reason, source=source, by=by, since=at)
        effects.append("dispute_hold")
    elif outcome == "stop_channel":
        from arrears.contact.optouts import opt_out

        who = by.get_username() if by is not None else source
        opt_out(contact_point_id=point_id, channel=channel, source=source, detail=f"recorded by {who}", at=at)
        effects.append("opted_out")
    elif outcome == "wrong_number":
        from arrears.contact.verification import mark_unverified

        mark_unverified(point_id, method="wrong_number", by=by, at=at, attempt_id=attempt.pk, invalid=True)
        effects.append("contact_point_invalid")
    elif outcome == "returned_mail":
        from arrears.contact.verification import mark_unverified

        mark_unverified(point_id, method="returned_mail", by=by, at=at, attempt_id=attempt.pk)
        effects.append("address_unverified")
    kind = BY_CODE[outcome]
    confirmed = set(details.confirmed_points)
    if channel == "visit" and kind.reached and point_id is not None:
        confirmed.add(point_id)  # the borrower was met at the address
    if confirmed:
        from arrears.contact.verification import mark_verified

        borrower_id = attempt.loan.borrower_id
        mine = set(ContactPoint.objects.filter(pk__in=confirmed, borrower_id=borrower_id).values_list("pk", flat=True))
        if mine != confirmed:
            raise InputError("确认的联系方式不属于此借款人", "A confirmed contact point does not belong to this borrower")
        for pk in sorted(mine):
            mark_verified(pk, method=CONFIRMED_BY.get(channel, "staff"), by=by, at=at, attempt_id=attempt.pk)
        effects.append("verified")
    from arrears.audit.events import contact_recorded

    contact_recorded(attempt, effects=effects, by=by)
    return tuple(effects)


def _promise(attempt, by, details: OutcomeDetails) -> None:
    from django.utils import timezone

    from arrears.cases.models import CollectionCase
    from arrears.promises.models import Promise

    case = CollectionCase.objects.filter(loan_id=attempt.loan_id, closed_on__isnull=True).first()
    Promise.objects.create(
        loan_id=attempt.loan_id, case=case, attempt=attempt, amount=details.promise_amount,
        promised_on=timezone.localdate(attempt.attempted_at), due_date=details.promise_due,
        made_by=by if getattr(by, "pk", None) else None,
    )
    if case is not None:
        CollectionCase.objects.filter(pk=case.pk).update(promise_state="pending")
