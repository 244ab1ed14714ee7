"""The plan proposal form: fields checked here, the plan's own rules in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from arrears.money import MoneyError, to_fen
from arrears.plans.models import Plan


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Plan.Kind.choices)
    start_date = forms.DateField(
        label=_("Plan date"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the plan starts; an instalment plan's first instalment falls due on it."),
    )
    instalments = forms.IntegerField(label=_("Instalments"), min_value=0, max_value=60, required=False, initial=0)
    deferral_months = forms.IntegerField(label=_("Deferral (months)"), min_value=0, max_value=24, required=False, initial=0)
    waiver = forms.CharField(label=_("Waiver (yuan)"), max_length=20, required=False, initial="0")
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_waiver(self) -> int:
        text = (self.cleaned_data.get("waiver") or "0").strip()
        try:
            fen = to_fen(text)
        except MoneyError:
            raise forms.ValidationError(_("Enter an amount in yuan with at most two decimals, such as 120.50.")) from None
        if fen < 0:
            raise forms.ValidationError(_("The amount may not be negative."))
        return fen

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "instalments": data.get("instalments") or 0,
            "deferral_months": data.get("deferral_months") or 0,
            "waiver": data.get("waiver") or 0,
        }


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
