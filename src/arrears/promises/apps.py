from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromisesConfig(AppConfig):
    name = "arrears.promises"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("还款承诺 Promises to pay")
