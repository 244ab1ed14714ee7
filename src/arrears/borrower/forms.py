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


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("What happened?"), choices=ComplaintCategory.choices)
    details = forms.CharField(label=_("Details"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
