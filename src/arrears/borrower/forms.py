"""The portal's forms: each field bounded, each error in the reader's language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from arrears.disputes.models import ComplaintCategory, DisputeReason


class SignInForm(forms.Form):
    reference = forms.CharField(label=_("Loan reference"), max_length=64)
    id_last4 = forms.CharField(label=_("Last 4 characters of your ID number"), min_length=4, max_length=4)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("The 6-digit code we sent you"), max_length=12)


class DisputeForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why do you dispute this debt?"), choices=DisputeReason.choices)
    details = forms.CharField(label=_("Tell us more"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}))


COMPLAINT_ABOUT = [
    ("", _("The debt itself, or all contact about it")),
    ("agency", _("The agency collecting for the lender now")),
    ("call", _("Phone calls")),
    ("sms", _("Text messages")),
    ("email", _("Emails")),
    ("letter", _("Letters")),
    ("visit", _("Visits")),
]
"""What a portal complaint is about, and so what contact pauses while it is looked into."""


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("What happened?"), choices=ComplaintCategory.choices)
    about = forms.ChoiceField(label=_("What is it about?"), choices=COMPLAINT_ABOUT, required=False)
    details = forms.CharField(label=_("Details"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class SelfServePlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("What would help?"), choices=[
        ("instalments", _("Pay the overdue amount in instalments")),
        ("deferral", _("Defer my payments")),
        ("hardship", _("I am in hardship: ask for a person to review")),
    ])
    start_date = forms.DateField(label=_("First payment date"), widget=forms.DateInput(attrs={"type": "date"}))
    instalments = forms.IntegerField(label=_("Number of instalments"), min_value=0, max_value=60, required=False, initial=0)
    deferral_months = forms.IntegerField(label=_("Months of deferral"), min_value=0, max_value=24, required=False, initial=0)
    reason = forms.CharField(label=_("Anything we should know"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class PreferencesForm(forms.Form):
    earliest = forms.TimeField(label=_("Contact me not before"), widget=forms.TimeInput(attrs={"type": "time"}))
    latest = forms.TimeField(label=_("Contact me not after"), widget=forms.TimeInput(attrs={"type": "time"}))
    preferred_channel = forms.ChoiceField(label=_("I prefer"), required=False, choices=[
        ("", "—"), ("sms", _("SMS")), ("email", _("email")), ("call", _("call")), ("letter", _("letter"))])
    opt_out = forms.MultipleChoiceField(label=_("Stop contacting me by"), required=False, widget=forms.CheckboxSelectMultiple,
                                        choices=[("call", _("call")), ("sms", _("SMS")), ("email", _("email"))])
