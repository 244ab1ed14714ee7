"""The nights page's one input: which business day to show."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class NightForm(forms.Form):
    as_of = forms.DateField(label=_("Business date"), required=False, input_formats=["%Y-%m-%d"])
