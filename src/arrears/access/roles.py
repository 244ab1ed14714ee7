"""The roles people hold. A role is a Django group of the same name; a user may hold several."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("administrator")
    STRATEGY_MANAGER = "strategy_manager", _("strategy manager")
    TEAM_LEAD = "team_lead", _("team lead")
    COLLECTOR = "collector", _("collector")
    COMPLIANCE_OFFICER = "compliance_officer", _("compliance officer")
    LEGAL_OFFICER = "legal_officer", _("legal officer")
    AGENCY_MANAGER = "agency_manager", _("agency manager")
    AGENCY_COLLECTOR = "agency_collector", _("agency collector")
    FIELD_COLLECTOR = "field_collector", _("field collector")


AGENCY_ROLES = frozenset({Role.AGENCY_MANAGER, Role.AGENCY_COLLECTOR, Role.FIELD_COLLECTOR})


def roles_of(user) -> frozenset[Role]:
    """The roles `user` holds; a superuser holds the administrator's role whatever its groups."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_arrears_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        if user.is_superuser:
            cached |= {Role.ADMIN}
        user._arrears_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))
