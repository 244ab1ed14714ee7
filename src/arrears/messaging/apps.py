from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "arrears.messaging"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Message templates")
