"""Keeping the roles' groups and their permissions as `grants` says, on every migrate."""

from __future__ import annotations

import logging
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from arrears.access.roles import Role

logger = logging.getLogger(__name__)


def all_grants() -> dict[Role, set[str]]:
    """The access app's grants merged with every other arrears app's `grants.GRANTS`."""
    merged: dict[Role, set[str]] = {role: set() for role in Role}
    for config in apps.get_app_configs():
        if not config.name.startswith("arrears.") or find_spec(f"{config.name}.grants") is None:
            continue
        for role, names in getattr(import_module(f"{config.name}.grants"), "GRANTS", {}).items():
            merged[Role(role)].update(names)
    return merged


def arrears_permissions():
    labels = [config.label for config in apps.get_app_configs() if config.name.startswith("arrears.")]
    return Permission.objects.filter(content_type__app_label__in=labels)


def sync_roles() -> list[str]:
    """Create each role's group and set its permissions exactly; returns the names not found.

    The administrator's group holds every arrears permission: an admin who is not a superuser
    still sees and does everything in the product, but not Django's own user administration.
    """
    missing: list[str] = []
    grants = all_grants()
    by_name = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in arrears_permissions().values_list("pk", "content_type__app_label", "codename")
    }
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        if role is Role.ADMIN:
            wanted = set(by_name.values())
        else:
            wanted = set()
            for name in sorted(grants[role]):
                if name in by_name:
                    wanted.add(by_name[name])
                else:
                    missing.append(name)
        group.permissions.set(wanted)
    if missing:
        logger.info("permissions granted to roles but not defined (yet): %s", ", ".join(sorted(set(missing))))
    return sorted(set(missing))
