"""The portal's and the lender's small forms; amounts are typed in yuan and read into fen."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from arrears.agencies.portal import AGENCY_OUTCOMES
from arrears.contact.models import Channel, Outcome
from arrears.web.forms import YuanField


class ContactForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[(o.value, o.label) for o in Outcome if o.value in AGENCY_OUTCOMES])
    attempted_at = forms.DateTimeField(label=_("When"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    promise_amount = YuanField(label=_("Promised amount (yuan)"), required=False, max_length=20)
    promise_due = forms.DateField(label=_("Promised by"), required=False, input_formats=["%Y-%m-%d"],
                                  widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, channels=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Channel.choices)
        self.fields["channel"].choices = [(c, labels.get(c, c)) for c in channels if c != "visit"]

    def clean_attempted_at(self):
        value = self.cleaned_data["attempted_at"]
        if value.tzinfo is None:  # typed in the lender's zone
            value = value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
        return value.astimezone(dt.UTC)


class ProposalForm(forms.Form):
    instalments = forms.IntegerField(label=_("Instalments"), min_value=1, max_value=36)
    instalment_amount = YuanField(label=_("Each instalment (yuan)"), max_length=20)
    first_due_on = forms.DateField(label=_("First instalment due"), input_formats=["%Y-%m-%d"],
                                   widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Results file (CSV)"))


class RecallForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
