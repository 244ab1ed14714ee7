"""One debtor's guard context, read through Django's connection (a request or the worker's
transaction; never the bulk connection)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

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
    return read_contexts([debtor_id], at, profile_id, collector_ids=collector_ids)[int(debtor_id)]


def read_contexts(debtor_ids: Iterable[int], at: dt.datetime, profile_id: str | None = None, *,
                  collector_ids=()) -> dict[int, Context]:
    """Each debtor's context at `at`, read for all of them at once (the same few queries as for one):
    the outbox judges a whole batch of messages on these."""
    from django.utils import timezone

    from arrears.compliance.lender import lender_profile_name
    from arrears.guard.debts import debt_facts, needs_debt_facts

    debtor_ids = sorted({int(d) for d in debtor_ids})
    attempts = _attempts(debtor_ids, at)
    points = _contact_points(debtor_ids, at)
    holds = _holds(debtor_ids, at, tuple(collector_ids))
    debts: dict[int, list] = {}
    if needs_debt_facts(profile_id or lender_profile_name()):
        borrower_of = dict(Loan.objects.filter(borrower_id__in=debtor_ids).values_list("pk", "borrower_id"))
        for fact in debt_facts(timezone.localtime(at).date(), loan_ids=list(borrower_of)):
            debts.setdefault(borrower_of[int(fact.debt_id)], []).append(fact)
    contexts = {}
    for debtor_id in debtor_ids:
        failed, history = attempts.get(debtor_id, (0, ()))
        contact_points, opt_outs = points.get(debtor_id, ((), ()))
        contexts[debtor_id] = Context(
            debts=tuple(debts.get(debtor_id, ())),
            debtor_id=str(debtor_id),
            consecutive_failed_attempts=failed,
            holds=holds.get(debtor_id, ()),
            opt_outs=opt_outs,
            contact_points=contact_points,
            history=history,
        )
    return contexts


def _attempts(debtor_ids: list[int], at: dt.datetime) -> dict[int, tuple[int, tuple[Attempt, ...]]]:
    """Per debtor, (consecutive failed attempts, history) from one read of the debtors' attempts up
    to `at`: those with a reached or failed outcome (any age) and those within HISTORY_DAYS.

    Consecutive failed: failed attempts since the last time the debtor was reached, the most over
    their accounts (the nightly facts count the same way)."""
    since = at - dt.timedelta(days=HISTORY_DAYS)
    counted = FAILED + REACHED
    rows = (
        ContactAttempt.objects.filter(loan__borrower_id__in=debtor_ids, attempted_at__lte=at)
        .filter(Q(outcome__in=counted) | Q(attempted_at__gte=since))
        .order_by("attempted_at", "id")
        .values_list("loan__borrower_id", "id", "loan_id", "party", "contact_point_id", "channel", "outcome",
                     "conversation", "attempted_at")
    )
    failed: dict[int, dict[int, int]] = {}
    history: dict[int, list[Attempt]] = {}
    for debtor_id, pk, loan_id, party, point, channel, outcome, conversation, attempted_at in rows:
        if outcome in counted:
            per_loan = failed.setdefault(debtor_id, {})
            per_loan[loan_id] = per_loan.get(loan_id, 0) + 1 if outcome in FAILED else 0
        if attempted_at >= since:
            history.setdefault(debtor_id, []).append(
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
    return {
        debtor_id: (max(failed.get(debtor_id, {}).values(), default=0), tuple(history.get(debtor_id, ())))
        for debtor_id in set(failed) | set(history)
    }


def _holds(debtor_ids: list[int], at: dt.datetime, collector_ids: tuple[int, ...] = ()) -> dict[int, tuple[GuardHold, ...]]:
    """Per debtor, the holds in force at `at`. One that names a collector binds only that collector's
    contacts: it is read (as a hold on its loan) only when the guard is asked about that collector."""
    mine = Q(scope_collector__isnull=True) | Q(scope_collector_id__in=collector_ids)
    active = (
        AccountHold.objects.filter(mine, loan__borrower_id__in=debtor_ids, since__lte=at)
        .filter(Q(until__isnull=True) | Q(until__gt=at))
        .order_by("id")
    )
    holds: dict[int, list[GuardHold]] = {}
    rows = active.values_list("loan__borrower_id", "loan_id", "kind", "scope_agency_id", "scope_channel")
    for debtor_id, loan_id, kind, agency, channel in rows:
        holds.setdefault(debtor_id, []).append(GuardHold(
            hold=kind, loan_id=str(loan_id), agency_id=None if agency is None else str(agency), channel=channel or None))
    return {debtor_id: tuple(found) for debtor_id, found in holds.items()}


def _contact_points(debtor_ids: list[int], at: dt.datetime) -> dict[int, tuple[tuple[ContactPoint, ...], tuple[ChannelOptOut, ...]]]:
    """Per debtor, their contact points and the channel opt-outs made by `at`, in one query (each
    point once per opt-out it carries, once when it has none)."""
    rows = LedgerContactPoint.objects.filter(borrower_id__in=debtor_ids).order_by("id").values_list(
        "borrower_id", "id", "consent", "do_not_contact", "valid", "verified", "opt_outs__channel", "opt_outs__at"
    )
    points: dict[int, dict[int, ContactPoint]] = {}
    opt_outs: dict[int, dict[tuple[int, str], None]] = {}
    later = _changed_after(debtor_ids, at) if at < clock.now() else {}
    for debtor_id, pk, consent, dnc, valid, verified, channel, opted_at in rows:
        own = points.setdefault(debtor_id, {})
        if pk not in own:
            if pk in later:
                valid, verified = _flags_at(valid, verified, later[pk])
            own[pk] = ContactPoint(contact_point_id=str(pk), consent=consent, do_not_contact=dnc, valid=valid,
                                   verified=verified)
        if opted_at is not None and opted_at <= at:
            opt_outs.setdefault(debtor_id, {})[(pk, channel)] = None
    return {
        debtor_id: (
            tuple(own.values()),
            tuple(ChannelOptOut(channel=channel, contact_point_id=str(point))
                  for point, channel in opt_outs.get(debtor_id, {})),
        )
        for debtor_id, own in points.items()
    }


def _changed_after(debtor_ids: list[int], at: dt.datetime) -> dict[int, tuple]:
    """The debtors' contact points whose verification changed after `at`, each with the first such
    change: (verified, verified before, valid before, method). Empty for a check made now; an audit
    of the past reads the points as they stood then."""
    from arrears.contact.models import ContactPointVerification

    changes: dict[int, tuple] = {}
    for point, *change in (
        ContactPointVerification.objects.filter(contact_point__borrower_id__in=debtor_ids, at__gt=at)
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
