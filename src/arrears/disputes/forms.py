"""The compliance officer's forms: entering a dispute or complaint received elsewhere, and deciding them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from arrears.money import MoneyError, to_fen
from arrears.disputes.models import ComplaintCategory, DisputeReason, Responsible, Source

STAFF_SOURCES = [(s.value, s.label) for s in (Source.PHONE, Source.LETTER, Source.AGENCY, Source.REGULATOR)]


class StaffDisputeForm(forms.Form):
    loan = forms.CharField(label=_("Loan reference"), max_length=64)
    reason = forms.ChoiceField(label=_("Reason"), choices=DisputeReason.choices)
    source = forms.ChoiceField(label=_("Received through"), choices=STAFF_SOURCES)
    details = forms.CharField(label=_("Details"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StaffComplaintForm(forms.Form):
    loan = forms.CharField(label=_("Loan reference (if known)"), max_length=64, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=ComplaintCategory.choices)
    source = forms.ChoiceField(label=_("Received through"), choices=STAFF_SOURCES)
    details = forms.CharField(label=_("Details"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    complex = forms.BooleanField(label=_("Complex case"), required=False)
    agency = forms.ModelChoiceField(label=_("About the agency"), queryset=None, required=False)
    collector = forms.CharField(label=_("About the collector (user name)"), max_length=150, required=False)
    channel = forms.ChoiceField(label=_("About the channel"), required=False, choices=[
        ("", "—"), ("call", _("call")), ("sms", _("SMS")), ("email", _("email")), ("letter", _("letter")), ("visit", _("visit"))])


    def __init__(self, *args, **kwargs) -> None:
        from arrears.agencies.models import Agency

        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.order_by("name")


class DecideDisputeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[
        ("upheld", _("upheld")), ("corrected", _("corrected")), ("rejected", _("rejected"))])
    reasons = forms.CharField(label=_("Reasons"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    correction = forms.CharField(label=_("Correction to the amount owed (yuan, for an amount wrong)"), max_length=20,
                                 required=False, widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00"}))

    def clean_correction(self) -> int:
        """Fen, read from yuan with at most two decimals; never a float."""
        text = (self.cleaned_data.get("correction") or "").strip()
        if not text:
            return 0
        try:
            return to_fen(text)
        except MoneyError:
            raise forms.ValidationError(_("Enter an amount in yuan with at most two decimals, such as 120.50")) from None


class ExtendForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the extension"), max_length=4000)


class CloseComplaintForm(forms.Form):
    upheld = forms.ChoiceField(label=_("Decision"), choices=[("yes", _("upheld")), ("no", _("not upheld"))])
    responsible = forms.ChoiceField(label=_("Responsible"), choices=Responsible.choices)
    outcome = forms.CharField(label=_("Outcome"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
