"""Changes to what governs collection (strategies, templates, contracts, users and their roles)
are logged whoever makes them and however: the admin, a service, a command.

Saved and deleted rows are caught by Django's model signals, so every path that goes through the
ORM is covered; an entry names the model, the row and the fields saved, never their values."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

WATCHED = (
    "strategy.StrategyVersion",
    "messaging.TemplateVersion",
    "agencies.Contract",
    "agencies.AgencyStaff",
    "access.Team",
    "auth.User",
    "auth.Group",
)
_SKIPPED_FIELDS = {"last_login"}  # signing in is not a change to the user


def _subject(instance) -> str:
    return f"{instance._meta.label_lower}:{instance.pk}"


def _saved(sender, instance, created, update_fields=None, raw=False, **kwargs) -> None:
    from arrears.audit.log import record

    if raw:
        return
    fields = sorted(update_fields) if update_fields else []
    if fields and set(fields) <= _SKIPPED_FIELDS:
        return
    kind = "config.created" if created else "config.changed"
    record(kind, subject=_subject(instance), detail={"model": instance._meta.label_lower, "fields": fields})


def _remember_pk(sender, instance, **kwargs) -> None:
    instance._audit_pk = instance.pk  # Django clears the pk once the row is gone


def _deleted(sender, instance, **kwargs) -> None:
    from arrears.audit.log import record

    pk = instance.pk if instance.pk is not None else getattr(instance, "_audit_pk", None)
    record("config.deleted", subject=f"{instance._meta.label_lower}:{pk}", detail={"model": instance._meta.label_lower})


def _groups_changed(sender, instance, action, pk_set=None, reverse=False, **kwargs) -> None:
    from arrears.audit.log import record

    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # group.user_set changed: one entry per user
        for pk in sorted(pk_set or ()):
            record("config.roles_changed", subject=f"auth.user:{pk}",
                   detail={"action": action[5:], "groups": [instance.pk]})
        return
    record("config.roles_changed", subject=_subject(instance),
           detail={"action": action[5:], "groups": sorted(pk_set or ())})


def connect() -> None:
    from django.apps import apps
    from django.contrib.auth import get_user_model

    for label in WATCHED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_save.connect(_saved, sender=model, dispatch_uid=f"audit-save-{label}")
        pre_delete.connect(_remember_pk, sender=model, dispatch_uid=f"audit-before-delete-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"audit-delete-{label}")
    through = get_user_model().groups.through
    m2m_changed.connect(_groups_changed, sender=through, dispatch_uid="audit-user-groups")
