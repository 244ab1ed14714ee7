"""Who sees and does what with visits.

The lender's administrators see every visit, team leads the visits of the accounts they may open
(arrears.access.scope, as for the accounts themselves); both approve, schedule and cancel; a
compliance officer reads every visit. An agency manager sees the visits of their own agency.
A field collector — the lender's own or an agency's — sees only the visits they are named on,
and only they take the steps at the door. An agency's people see a visit only while the case is
placed with their agency and readable today (arrears.agencies.models.PlacementQuerySet.readable_on):
a recall, an expiry, a contract's end or a suspension hides it at once.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from arrears import clock
from arrears.access.roles import Role, has_role
from arrears.visits.models import Visit

APPROVERS = (Role.ADMIN, Role.TEAM_LEAD)
READERS = (Role.ADMIN, Role.TEAM_LEAD, Role.COMPLIANCE_OFFICER)


def staff_of(user):
    from arrears.agencies.models import AgencyStaff

    if user is None or not user.is_authenticated:
        return None
    return AgencyStaff.objects.filter(user=user).select_related("agency").first()


def can_approve(user) -> bool:
    return has_role(user, *APPROVERS) and staff_of(user) is None


def named_on(user, prefix: str = "collectors__") -> Q:
    return Q(**{f"{prefix}user": user}) | Q(**{f"{prefix}staff__user": user})


def agency_placements(agency_id: int, day: dt.date | None = None):
    """The agency's placements it may read on `day` (today in the lender's zone by default)."""
    from arrears.agencies.models import Placement

    return Placement.objects.readable_on(day or clock.today()).filter(agency_id=agency_id)


def placements_by_loan(staff, loan_ids) -> dict:
    """The readable placement, with its contract, of each of these loans placed with the staff member's agency."""
    return {
        placement.loan_id: placement
        for placement in agency_placements(staff.agency_id).filter(loan_id__in=list(loan_ids)).select_related("contract")
    }


def visible_visits(user) -> QuerySet[Visit]:
    if user is None or not user.is_authenticated or not user.is_active:
        return Visit.objects.none()
    from arrears.access.scope import loans_visible_to, sees_whole_book

    staff = staff_of(user)
    if staff is None and has_role(user, *READERS) and sees_whole_book(user):
        return Visit.objects.all()
    scope = Q(pk__in=[])
    if staff is None and has_role(user, *READERS):
        # scoped like accounts: a team lead sees the visits of the accounts they may open
        scope |= Q(loan_id__in=loans_visible_to(user).values("pk"))
    if has_role(user, Role.FIELD_COLLECTOR, Role.AGENCY_COLLECTOR, Role.AGENCY_MANAGER):
        scope |= named_on(user)
    if staff is not None and has_role(user, Role.AGENCY_MANAGER):
        scope |= Q(agency_id=staff.agency_id)
    visits = Visit.objects.filter(scope)
    if staff is not None:
        visits = visits.filter(loan_id__in=agency_placements(staff.agency_id).values("loan_id"))
    return Visit.objects.filter(pk__in=visits.values("pk"))


def is_collector_of(user, visit: Visit) -> bool:
    return user.is_authenticated and visit.collectors.filter(named_on(user, prefix="")).exists()


def client_address(request) -> str:
    """The address the public page limits tries by: an IPv6 client by its /64 (access/addresses.py)."""
    from arrears.access.addresses import client_address as limited

    return limited(request) or "unknown"
