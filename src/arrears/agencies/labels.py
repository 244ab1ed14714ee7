"""Names people read for shared fields, scorecard criteria and allocation arms (zh-Hans through the app's catalogue)."""

from django.utils.translation import gettext_lazy as _

FIELD_LABELS = {
    "borrower_name": _("Borrower"),
    "loan_reference": _("Loan"),
    "days_past_due": _("Days past due"),
    "bucket": _("Bucket"),
    "overdue_amount": _("Overdue amount"),
    "balance": _("Balance"),
    "mobile": _("Mobile"),
    "email": _("Email"),
    "address": _("Address"),
    "national_id": _("National ID"),
}
CRITERION_LABELS = {
    "recovery": _("Recovery rate"),
    "experience": _("Experience"),
    "compliance": _("Lawful methods"),
    "complaints": _("Complaints"),
    "feedback": _("Client feedback"),
}
ARM_LABELS = {
    "champion": _("champion"),
    "challenger": _("challenger"),
}
