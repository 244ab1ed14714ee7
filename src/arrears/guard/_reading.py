"""One debtor's guard context, read through Django's connection (a request or the worker's
transaction; never the bulk connection)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from arrears import clock

from arrears.cases.models import AccountHold
from arrears.compliance.context import AccountHold as GuardHold
from arrears.compliance.context import Attempt, ChannelOptOut, ContactPoint, Context
from arrears.contact.models import ContactAttempt
from arrears.ledger.models import ContactPoint as LedgerContactPoint
from arrears.ledger.models import Loan
from arrears.contact.outcomes import FAILED, GUARD_OUTCOME, REACHED
from arrears.strategy.guarding import HISTORY_DAYS


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


def read_context(debtor_id: int, at: dt.datetime, profile_id: str | None = None, *, collector_ids=()) -> Context:
    """The debtor's context at `at`, read now in three queries: attempts, holds, contact points
    with their opt-outs; and, for a US profile (default: the lender's), the facts of each debt.
    `collector_ids`: the in-house collectors who would act; a hold on one of them binds as one on the loan."""
    from django.utils import timezone

    from arrears.compliance.lender import lender_profile_name
    from arrears.guard.debts import debt_facts, needs_debt_facts

    failed, history = _attempts(debtor_id, at)
    contact_points, opt_outs = _contact_points(debtor_id, at)
    debts = ()
    if needs_debt_facts(profile_id or lender_profile_name()):
        loan_ids = Loan.objects.filter(borrower_id=debtor_id).values_list("pk", flat=True)
        debts = debt_facts(timezone.localtime(at).date(), loan_ids=loan_ids)
    return Context(
        debts=debts,
        debtor_id=str(debtor_id),
        consecutive_failed_attempts=failed,
        holds=_holds(debtor_id, at, tuple(collector_ids)),
        opt_outs=opt_outs,
        contact_points=contact_points,
        history=history,
    )


def _attempts(debtor_id: int, at: dt.datetime) -> tuple[int, tuple[Attempt, ...]]:
    """(consecutive failed attempts, history) from one read of the debtor's attempts up to `at`:
    those with a reached or failed outcome (any age) and those within HISTORY_DAYS.

    Consecutive failed: failed attempts since the last time the debtor was reached, the most over
    their accounts (the nightly facts count the same way)."""
    since = at - dt.timedelta(days=HISTORY_DAYS)
    counted = FAILED + REACHED
    rows = (
        ContactAttempt.objects.filter(loan__borrower_id=debtor_id, attempted_at__lte=at)
        .filter(Q(outcome__in=counted) | Q(attempted_at__gte=since))
        .order_by("attempted_at", "id")
        .values_list("id", "loan_id", "party", "contact_point_id", "channel", "outcome", "conversation", "attempted_at")
    )
    failed: dict[int, int] = {}
    history = []
    for pk, loan_id, party, point, channel, outcome, conversation, attempted_at in rows:
        if outcome in counted:
            failed[loan_id] = failed.get(loan_id, 0) + 1 if outcome in FAILED else 0
        if attempted_at >= since:
            history.append(
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
            )
    return max(failed.values(), default=0), tuple(history)


def _holds(debtor_id: int, at: dt.datetime, collector_ids: tuple[int, ...] = ()) -> tuple[GuardHold, ...]:
    """The holds in force at `at`. One that names a collector binds only that collector's contacts:
    it is read (as a hold on its loan) only when the guard is asked about that collector."""
    mine = Q(scope_collector__isnull=True) | Q(scope_collector_id__in=collector_ids)
    active = (AccountHold.objects.filter(mine, loan__borrower_id=debtor_id, since__lte=at)
              .filter(Q(until__isnull=True) | Q(until__gt=at)))
    return tuple(
        GuardHold(hold=kind, loan_id=str(loan_id), agency_id=None if agency is None else str(agency), channel=channel or None)
        for loan_id, kind, agency, channel in active.values_list("loan_id", "kind", "scope_agency_id", "scope_channel")
    )


def _contact_points(debtor_id: int, at: dt.datetime) -> tuple[tuple[ContactPoint, ...], tuple[ChannelOptOut, ...]]:
    """The debtor's contact points and their channel opt-outs made by `at`, in one query (each
    point once per opt-out it carries, once when it has none)."""
    rows = LedgerContactPoint.objects.filter(borrower_id=debtor_id).order_by("id").values_list(
        "id", "consent", "do_not_contact", "valid", "verified", "opt_outs__channel", "opt_outs__at"
    )
    points: dict[int, ContactPoint] = {}
    opt_outs: set[tuple[int, str]] = set()
    later = _changed_after(debtor_id, at) if at < clock.now() else {}
    for pk, consent, dnc, valid, verified, channel, opted_at in rows:
        if pk not in points:
            if pk in later:
                valid, verified = _flags_at(valid, verified, later[pk])
            points[pk] = ContactPoint(contact_point_id=str(pk), consent=consent, do_not_contact=dnc, valid=valid,
                                      verified=verified)
        if opted_at is not None and opted_at <= at:
            opt_outs.add((pk, channel))
    return (
        tuple(points.values()),
        tuple(ChannelOptOut(channel=channel, contact_point_id=str(point)) for point, channel in opt_outs),
    )


def _changed_after(debtor_id: int, at: dt.datetime) -> dict[int, tuple]:
    """The debtor's contact points whose verification changed after `at`, each with the first such
    change: (verified, verified before, valid before, method). Empty for a check made now; an audit
    of the past reads the points as they stood then."""
    from arrears.contact.models import ContactPointVerification

    changes: dict[int, tuple] = {}
    for point, *change in (
        ContactPointVerification.objects.filter(contact_point__borrower_id=debtor_id, at__gt=at)
        .order_by("at", "pk").values_list("contact_point_id", "verified", "was_verified", "was_valid", "method")
    ):
        changes.setdefault(point, tuple(change))
    return changes


def _flags_at(valid: bool, verified: bool, first_later: tuple) -> tuple[bool, bool]:
    """A point's (valid, verified) before the first change made to it after the instant asked about:
    what that change recorded it was (where it did not say: the opposite of what it set, and valid
    unless the change was not about a wrong number)."""
    now_verified, was_verified, was_valid, method = first_later
    verified_then = (not now_verified) if was_verified is None else was_verified
    valid_then = (valid or method == "wrong_number") if was_valid is None else was_valid
    return valid_then, verified_then
