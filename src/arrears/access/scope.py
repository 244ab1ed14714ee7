"""What each user may see and do: permission AND object scope, in one place.

    >>> cases_visible_to(user).filter(closed_on__isnull=True)     # the cases a page may list
    >>> can(user, Action.RECORD_CONTACT, case)                     # one case, one action

Rules (docs/access.md):
- administrator: everything;
- strategy manager and compliance officer: see every case, change none;
- team lead: sees, works and assigns the cases of the teams they lead or belong to;
- collector: sees and works the cases assigned to them and their teams' cases;
- agency roles: nothing of the internal workbench (the agency portal has its own scope).
A user's Django permissions come from the groups of their roles (see grants.py); the scope
narrows them to objects. A permission without scope, or scope without permission, gives nothing.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from arrears.access.roles import Role, has_role

__all__ = [
    "Action",
    "can",
    "cases_visible_to",
    "figures_scope",
    "holds_permissions",
    "loans_visible_to",
    "OutOfScope",
    "refusal",
    "require",
    "may_reveal_contacts",
    "sees_unmasked_contacts",
    "sees_whole_book",
    "team_ids_of",
    "teams_led_by",
]


class Action(StrEnum):
    VIEW = "view"  # read the account page, the case's history
    RECORD_CONTACT = "record_contact"  # record a call's outcome, a note, a promise
    EDIT = "edit"  # change the case itself
    ASSIGN = "assign"  # give the case to a team or a collector
    CLAIM = "claim"  # take it from the work queue


# the permission each action needs on top of the object scope
ACTION_PERMISSIONS: dict[Action, tuple[str, ...]] = {
    Action.VIEW: ("cases.view_collectioncase",),
    Action.RECORD_CONTACT: ("workbench.work_queue", "contact.add_contactattempt"),
    Action.EDIT: ("cases.change_collectioncase",),
    Action.ASSIGN: ("access.assign_cases", "cases.change_collectioncase"),
    Action.CLAIM: ("workbench.work_queue",),
}


def _is_admin(user) -> bool:
    return bool(user.is_active and (user.is_superuser or has_role(user, Role.ADMIN)))


def team_ids_of(user) -> frozenset[int]:
    """The teams `user` belongs to or leads."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_arrears_team_ids", None)
    if cached is None:
        from arrears.access.models import Team

        cached = frozenset(Team.objects.filter(Q(members=user) | Q(lead=user)).values_list("pk", flat=True))
        user._arrears_team_ids = cached
    return cached


def teams_led_by(user) -> frozenset[int]:
    if user is None or not user.is_authenticated:
        return frozenset()
    from arrears.access.models import Team

    return frozenset(Team.objects.filter(lead=user).values_list("pk", flat=True))


def _has_permissions(user, action: Action) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perms(ACTION_PERMISSIONS[action]))


def holds_permissions(user, action: Action | str) -> bool:
    """Whether `user` holds the permissions `action` needs, before any object's scope is judged."""
    return user is not None and _has_permissions(user, Action(action))


def _sees_all(user) -> bool:
    return user.has_perm("access.view_all_cases") or _is_admin(user)


def sees_whole_book(user) -> bool:
    """Whether `user` may see figures over every account (portfolio, roll rates), not only their scope."""
    return bool(user is not None and _has_permissions(user, Action.VIEW) and _sees_all(user))


def cases_visible_to(user) -> QuerySet:
    """The collection cases `user` may see (open and closed)."""
    from arrears.cases.models import CollectionCase

    cases = CollectionCase.objects.all()
    if user is None or not _has_permissions(user, Action.VIEW):
        return cases.none()
    if _sees_all(user):
        return cases
    return cases.filter(Q(assignee=user) | Q(team__in=team_ids_of(user)))


def figures_scope(user) -> QuerySet | None:
    """The loan ids a user's figures (portfolio, roll rates) count: None for the whole book.

    A collector or team lead sees the figures of the cases they may see, never the book's totals.
    """
    if sees_whole_book(user):
        return None
    return cases_visible_to(user).order_by().values("loan_id")


def loans_visible_to(user) -> QuerySet:
    """The loans `user` may open: those with a case they may see (every loan for those who see all)."""
    from arrears.ledger.models import Loan

    if user is None or not _has_permissions(user, Action.VIEW):
        return Loan.objects.none()
    if _sees_all(user):
        return Loan.objects.all()
    return Loan.objects.filter(pk__in=cases_visible_to(user).values("loan_id"))


def can(user, action: Action | str, obj) -> bool:
    """May `user` do `action` on `obj` (a CollectionCase, or a Loan: judged on its open case)?"""
    action = Action(action)
    if user is None or not _has_permissions(user, action):
        return False
    if _is_admin(user):
        return True
    case = _case_of(obj)
    if action is Action.VIEW:
        if _sees_all(user):
            return True
        if case is None:
            return loans_visible_to(user).filter(pk=_loan_id_of(obj)).exists()
    if case is None:
        return False
    if action is Action.ASSIGN:
        return case.team_id is not None and case.team_id in teams_led_by(user)
    return case.assignee_id == user.pk or (case.team_id is not None and case.team_id in team_ids_of(user))


class OutOfScope(Http404):
    """An object the user may not see: answered exactly as one that does not exist (404), so that
    probing ids tells nothing about other teams' or agencies' accounts."""


def refusal(user, action: Action | str, obj) -> Exception:
    """What refusing `action` on `obj` answers: 403 for an object the user sees but may not act on,
    404 (as for a missing one) for an object outside their scope."""
    return PermissionDenied() if can(user, Action.VIEW, obj) else OutOfScope()


def require(user, action: Action | str, obj) -> None:
    """Raise `refusal(...)` unless `can(user, action, obj)`."""
    if not can(user, action, obj):
        raise refusal(user, action, obj)


def may_reveal_contacts(user) -> bool:
    """Whether `user` may reveal one contact value in clear on an account they can open (each reveal
    is logged): the administrator, team leads and compliance officers; collectors dial through the
    product and see masked numbers (docs/personal-data.md)."""
    from arrears.access.roles import Role, has_role

    return bool(user and user.is_authenticated and has_role(user, Role.ADMIN, Role.TEAM_LEAD, Role.COMPLIANCE_OFFICER))


def sees_unmasked_contacts(user) -> bool:
    return bool(user and user.is_authenticated and (_is_admin(user) or user.has_perm("access.view_unmasked_contacts")))


def _loan_id_of(obj) -> int | None:
    from arrears.cases.models import CollectionCase

    if isinstance(obj, CollectionCase):
        return obj.loan_id
    return getattr(obj, "pk", None)


def _case_of(obj):
    """The case an object is judged on: itself, or a loan's open case (else its latest case)."""
    from arrears.cases.models import CollectionCase
    from arrears.ledger.models import Loan

    if isinstance(obj, CollectionCase):
        return obj
    if isinstance(obj, Loan):
        cached = getattr(obj, "_arrears_case", False)
        if cached is False:
            cases = CollectionCase.objects.filter(loan=obj)
            cached = cases.filter(closed_on__isnull=True).first() or cases.order_by("-opened_on", "-pk").first()
            obj._arrears_case = cached
        return cached
    raise TypeError(f"scope is judged on a CollectionCase or a Loan, not {type(obj).__name__}")
