from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "arrears.credit"
    verbose_name = _("credit reporting")
    default_auto_field = "django.db.models.BigAutoField"
