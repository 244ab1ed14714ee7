"""Roles, teams and the scope of what each user may see and do."""
from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_after_migrate(sender, **kwargs) -> None:
    # Django creates each app's permissions on post_migrate too, app by app: grant them once the
    # last installed app has had its turn (Django signals only the apps that have models)
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.name != with_models[-1].name:
        return
    from arrears.access.sync import sync_roles

    sync_roles()


class AccessConfig(AppConfig):
    name = "arrears.access"
    default = True  # the module also holds the sign-in protection's config
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Roles and access")

    def ready(self) -> None:
        post_migrate.connect(_sync_after_migrate, dispatch_uid="arrears.access.sync_roles")


class SignInProtectionConfig(AxesAppConfig):
    """django-axes (the sign-in lockout) under a name the admin shows in the reader's language."""

    verbose_name = _("Sign-in protection")
