"""Roles, teams and the scope of what each user may see and do."""
from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_after_migrate(sender, **kwargs) -> None:
    # Django creates each app's permissions on post_migrate too, app by app: grant them once the
    # last installed app has had its turn
    from django.apps import apps

    if sender.name != list(apps.get_app_configs())[-1].name:
        return
    from arrears.access.sync import sync_roles

    sync_roles()


class AccessConfig(AppConfig):
    name = "arrears.access"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("角色与权限 Roles and access")

    def ready(self) -> None:
        post_migrate.connect(_sync_after_migrate, dispatch_uid="arrears.access.sync_roles")
