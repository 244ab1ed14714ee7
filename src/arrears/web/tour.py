"""A tour of the book: for each state an account can be in, one account that is in it now.

    stops = tour(user)          # [(stop, url or None)] within what the user may see
    url = example(user, "placed")

The demo's README links to `/tour/<stop>/`: whatever the day the demo was built, each link opens
an account in that state, found when it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse


@dataclass(frozen=True)
class Stop:
    slug: str
    zh: str
    en: str
    loans: Callable[[QuerySet], QuerySet]  # the visible loans narrowed to those in the state
    page: str = "account"  # or "visit": the stop opens the loan's latest visit


def _placed(loans):
    return loans.filter(placements__state="active")


def _visit_done(loans):
    return loans.filter(visits__state="completed")


def _visit_pending(loans):
    return loans.filter(visits__state__in=("screened", "approved", "scheduled"))


def _opted_out(loans):
    return loans.filter(borrower__contact_points__opt_outs__isnull=False)


def _released_hold(loans):
    return loans.filter(holds__released_at__isnull=False)


def _held(loans):
    from django.db.models import Q

    from arrears import clock

    now = clock.now()
    return loans.filter(holds__since__lte=now).filter(Q(holds__until__isnull=True) | Q(holds__until__gt=now))


def _promise(state):
    return lambda loans: loans.filter(promises__state=state)


def _plan(status):
    return lambda loans: loans.filter(plans__status=status)


def _legal_open(loans):
    return loans.filter(legal_reviews__state="open")


def _legal_referred(loans):
    return loans.filter(legal_reviews__state="referred")


def _charged_off(loans):
    return loans.filter(state__status="charged_off")


def _delivered(loans):
    return loans.filter(contact_attempts__outcome="delivered")


def _disputed(loans):
    return loans.filter(contact_attempts__outcome="dispute")


STOPS: tuple[Stop, ...] = (
    Stop("placed", "委外机构正在催收", "placed with an agency", _placed),
    Stop("visit-done", "已完成上门（借款人核验了来访代码）", "a visit made (the borrower checked the visitors' code)", _visit_done, "visit"),
    Stop("visit-pending", "待审批或已安排的上门", "a visit awaiting approval or booked", _visit_pending, "visit"),
    Stop("opted-out", "借款人退订了一个渠道", "a number opted out of a channel", _opted_out),
    Stop("hold-released", "已解除的暂停（争议已复核）", "a hold released (a dispute reviewed)", _released_hold),
    Stop("hold", "暂停中的账户", "an account on hold", _held),
    Stop("disputed", "借款人提出争议", "a debt disputed", _disputed),
    Stop("promise-kept", "承诺还款已兑现", "a promise kept", _promise("kept")),
    Stop("promise-broken", "承诺还款未兑现", "a promise broken", _promise("broken")),
    Stop("plan-active", "还款计划执行中", "a repayment plan in force", _plan("active")),
    Stop("plan-broken", "还款计划违约后恢复原计划", "a plan broken and reverted", _plan("reverted")),
    Stop("plan-awaiting", "待审批的还款计划", "a plan awaiting approval", _plan("proposed")),
    Stop("legal-open", "待法务审查", "a legal review open", _legal_open),
    Stop("legal-referred", "已移交法律程序", "referred for legal action", _legal_referred),
    Stop("charged-off", "已核销", "charged off", _charged_off),
    Stop("delivered", "短信已送达（有回执）", "a message delivered (with a receipt)", _delivered),
)
BY_SLUG = {stop.slug: stop for stop in STOPS}


def example(user, slug: str) -> str | None:
    """The page of one account the user may see that is in the stop's state now; None when none is."""
    from arrears.access.scope import loans_visible_to

    stop = BY_SLUG[slug]
    loan = stop.loans(loans_visible_to(user)).order_by("pk").values("pk", "external_id").first()
    if loan is None:
        return None
    if stop.page == "visit":
        from arrears.visits.models import Visit

        visit = Visit.objects.filter(loan_id=loan["pk"]).order_by("-pk").values_list("pk", flat=True).first()
        if visit is not None:
            return reverse("visits:detail", args=[visit])
    return reverse("account", args=[loan["external_id"]])


def tour(user) -> list[tuple[Stop, str | None]]:
    return [(stop, example(user, stop.slug)) for stop in STOPS]
