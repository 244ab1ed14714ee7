"""What the borrower sees of one loan, read from the ledger and the night's stored state: the
itemised balance, the schedule and payments, days past due, who collects now, and every message
and letter sent. Read-only; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass, field

from arrears import clock
from arrears.errors import InputError

SENT_STATES = ("sent", "done")
WRITTEN_CHANNELS = ("sms", "email", "letter", "app_push")


@dataclass
class LoanView:
    loan: object
    amounts: object | None = None
    itemization: object | None = None
    as_of: object | None = None
    schedule: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    agency: object | None = None
    messages: list = field(default_factory=list)
    disputes: list = field(default_factory=list)
    complaints: list = field(default_factory=list)
    holds: list = field(default_factory=list)
    paper_copies: list = field(default_factory=list)


def collector_now(loan):
    """The whitelisted agency holding the loan now, or None for the lender's own team."""
    from arrears.agencies.models import Placement, PlacementState

    placement = (Placement.objects.filter(loan=loan, state=PlacementState.ACTIVE).select_related("agency")
                 .order_by("-placed_on", "-id").first())
    return placement.agency if placement is not None else None


def loan_view(loan) -> LoanView:
    from arrears.cases.holds import in_force
    from arrears.contact.models import ContactAttempt
    from arrears.ledger.models import Instalment, Payment
    from arrears.notices.facts import _amounts, itemization, stored_state

    view = LoanView(loan=loan)
    try:
        state = stored_state(loan, clock.today())
    except InputError:
        state = None
    if state is not None:
        view.amounts, view.itemization, view.as_of = _amounts(state), itemization(loan, state), state.as_of
    view.schedule = list(Instalment.objects.filter(loan=loan).order_by("due_date", "seq"))
    view.payments = list(Payment.objects.filter(loan=loan).order_by("value_date", "id"))
    view.agency = collector_now(loan)
    view.messages = list(
        ContactAttempt.objects.filter(loan=loan, channel__in=WRITTEN_CHANNELS, state__in=SENT_STATES, party="debtor")
        .order_by("-sent_at", "-id")[:200]
    )
    view.disputes = list(loan.disputes.order_by("-received_at"))
    view.complaints = list(loan.complaints.order_by("-received_at"))
    view.holds = list(in_force(loan.pk))
    view.paper_copies = list(loan.paper_copy_requests.order_by("-requested_at"))
    return view
