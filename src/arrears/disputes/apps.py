from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "arrears.disputes"
    label = "disputes"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("争议与投诉 Disputes and complaints")
