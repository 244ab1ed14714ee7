from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "arrears.plans"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("还款计划 Repayment plans")
