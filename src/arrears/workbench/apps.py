from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "arrears.workbench"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("催收工作台 Collector workbench")
