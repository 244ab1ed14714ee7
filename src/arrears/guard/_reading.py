"""One debtor's guard context, read through Django's connection (a request or the worker's
transaction; never the bulk connection)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from arrears.cases.models import AccountHold
from arrears.compliance.context import AccountHold as GuardHold
from arrears.compliance.context import Attempt, ChannelOptOut, ContactPoint, Context
from arrears.contact.models import ChannelOptOut as StoredOptOut
from arrears.contact.models import ContactAttempt
from arrears.ledger.models import ContactPoint as LedgerContactPoint
from arrears.ledger.models import Loan
from arrears.strategy.facts_source import FAILED_OUTCOMES, REACHED_OUTCOMES
from arrears.strategy.guarding import GUARD_OUTCOME, HISTORY_DAYS


def read_subject(loan_id: int, contact_point_id: int | None):
    """(borrower id, time zone, (owner, relation) of the contact point or None); None without the loan."""
    loan = Loan.objects.filter(pk=loan_id).values("borrower_id", "borrower__time_zone").first()
    if loan is None:
        return None
    point = None
    if contact_point_id is not None:
        point = (
            LedgerContactPoint.objects.filter(pk=contact_point_id, borrower_id=loan["borrower_id"])
            .values_list("owner", "relation")
            .first()
        )
    return loan["borrower_id"], loan["borrower__time_zone"], point


def read_context(debtor_id: int, at: dt.datetime) -> Context:
    loan_ids = list(Loan.objects.filter(borrower_id=debtor_id).values_list("id", flat=True))
    return Context(
        debtor_id=str(debtor_id),
        consecutive_failed_attempts=_consecutive_failed(loan_ids, at),
        holds=_holds(loan_ids, at),
        opt_outs=_opt_outs(debtor_id, at),
        contact_points=_contact_points(debtor_id),
        history=_history(loan_ids, at),
    )


def _consecutive_failed(loan_ids: list[int], at: dt.datetime) -> int:
    """Failed attempts since the last time the debtor was reached, the most over their accounts
    (the nightly facts count the same way)."""
    attempts = (
        ContactAttempt.objects.filter(loan_id__in=loan_ids, attempted_at__lte=at)
        .filter(outcome__in=FAILED_OUTCOMES + REACHED_OUTCOMES)
        .order_by("attempted_at")
        .values_list("loan_id", "outcome")
    )
    failed: dict[int, int] = {}
    for loan_id, outcome in attempts:
        failed[loan_id] = failed.get(loan_id, 0) + 1 if outcome in FAILED_OUTCOMES else 0
    return max(failed.values(), default=0)


def _holds(loan_ids: list[int], at: dt.datetime) -> tuple[GuardHold, ...]:
    active = AccountHold.objects.filter(loan_id__in=loan_ids, since__lte=at).filter(Q(until__isnull=True) | Q(until__gt=at))
    return tuple(GuardHold(hold=kind, loan_id=str(loan_id)) for loan_id, kind in active.values_list("loan_id", "kind"))


def _opt_outs(debtor_id: int, at: dt.datetime) -> tuple[ChannelOptOut, ...]:
    rows = StoredOptOut.objects.filter(contact_point__borrower_id=debtor_id, at__lte=at).values_list("contact_point_id", "channel")
    return tuple(ChannelOptOut(channel=channel, contact_point_id=str(point)) for point, channel in set(rows))


def _contact_points(debtor_id: int) -> tuple[ContactPoint, ...]:
    rows = LedgerContactPoint.objects.filter(borrower_id=debtor_id).values_list(
        "id", "consent", "do_not_contact", "valid", "verified"
    )
    return tuple(
        ContactPoint(contact_point_id=str(pk), consent=consent, do_not_contact=dnc, valid=valid, verified=verified)
        for pk, consent, dnc, valid, verified in rows
    )


def _history(loan_ids: list[int], at: dt.datetime) -> tuple[Attempt, ...]:
    since = at - dt.timedelta(days=HISTORY_DAYS)
    rows = ContactAttempt.objects.filter(loan_id__in=loan_ids, attempted_at__gte=since, attempted_at__lte=at).values_list(
        "id", "loan_id", "party", "contact_point_id", "channel", "outcome", "conversation", "attempted_at"
    )
    return tuple(
        Attempt(
            attempt_id=str(pk),
            at_utc=attempted_at,
            channel=channel,
            contact_point_id=None if point is None else str(point),
            outcome=GUARD_OUTCOME.get(outcome),
            party=party,
            debt_ids=(str(loan_id),),
            loan_id=str(loan_id),
            template_kind="collection",
            conversation=conversation,
        )
        for pk, loan_id, party, point, channel, outcome, conversation, attempted_at in rows
    )
