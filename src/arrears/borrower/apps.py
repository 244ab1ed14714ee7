from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BorrowerConfig(AppConfig):
    name = "arrears.borrower"
    label = "borrower"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("借款人自助 Borrower portal")
