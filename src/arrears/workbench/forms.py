"""The workbench's input, read through Django forms by the pages and the API alike.

Field errors are lazy translations: `bilingual_errors(form)` gives each in zh-Hans and English.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from arrears.contact.models import Outcome
from arrears.contact.outcomes import NEEDS_CONTACT_POINT, RECORDABLE, REACHED
from arrears import clock
from arrears.web.buckets import ordered_buckets
from arrears.web.forms import YuanField

RECORDABLE_CHANNELS = (
    ("call", _("call")),
    ("sms", _("SMS")),
    ("email", _("email")),
    ("visit", _("visit")),
)
PARTIES = (("debtor", _("debtor")), ("third_party", _("third party")))
RECORDABLE_OUTCOMES = tuple((code, Outcome(code).label) for code in RECORDABLE)
PROMISE_STATES = (
    ("", _("any")),
    ("pending", _("pending")),
    ("kept", _("kept")),
    ("partly_kept", _("partly kept")),
    ("broken", _("broken")),
)
MAX_PROMISE_DAYS = 60
MAX_NOTE = 2000


def bilingual_errors(form: forms.Form) -> dict[str, list[dict[str, str]]]:
    """Every field error of a bound, validated form, as {"field": [{"zh": …, "en": …}]}."""
    errors: dict[str, list[dict[str, str]]] = {}
    for name, error_list in form.errors.as_data().items():
        for error in error_list:
            texts = {}
            for language, key in (("zh-hans", "zh"), ("en", "en")):
                with translation.override(language):
                    texts[key] = " ".join(str(message) for message in error)
            errors.setdefault(name, []).append(texts)
    return errors


class ContactForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    # every contact goes through one of the borrower's points (or a third party's): the guard judges it, the history shows it
    contact_point = forms.IntegerField(label=_("Contact point"), min_value=1)
    channel = forms.ChoiceField(label=_("Channel"), choices=RECORDABLE_CHANNELS)
    party = forms.ChoiceField(label=_("Party"), choices=PARTIES, initial="debtor")
    outcome = forms.ChoiceField(label=_("Outcome"), choices=RECORDABLE_OUTCOMES)
    promise_amount = YuanField(label=_("Promised amount (yuan)"), required=False, max_length=20)
    promise_date = forms.DateField(label=_("Pay by"), required=False, input_formats=["%Y-%m-%d"])
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3}))
    # contact points the borrower confirmed as theirs during the contact: they become verified
    confirmed_points = forms.TypedMultipleChoiceField(
        label=_("Confirmed by the borrower"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, contact_points=None, **kwargs):
        super().__init__(*args, **kwargs)
        # contact_points: {id: owner} of the borrower's contact points, to check the choice and the party
        self.contact_points = contact_points
        if contact_points is not None:
            self.fields["confirmed_points"].choices = [(pk, str(pk)) for pk in contact_points]
        else:
            self.fields["confirmed_points"].choices = []

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        point = data.get("contact_point")
        if point is not None and self.contact_points is not None:
            owner = self.contact_points.get(point)
            if owner is None:
                self.add_error("contact_point", _("That contact point does not belong to this borrower."))
            elif data.get("party") and (owner == "borrower") != (data["party"] == "debtor"):
                self.add_error("party", _("The party does not match the owner of the contact point."))
        if outcome in NEEDS_CONTACT_POINT and point is None:
            self.add_error("contact_point", _("Choose the contact point this outcome is about."))
        if data.get("confirmed_points") and outcome not in REACHED:
            self.add_error("confirmed_points", _("Contact points can be confirmed only when the borrower was reached."))
        if outcome == "promise":
            today = clock.today()
            if data.get("promise_amount") is None and "promise_amount" not in self.errors:
                self.add_error("promise_amount", _("A promise needs an amount."))
            when = data.get("promise_date")
            if when is None and "promise_date" not in self.errors:
                self.add_error("promise_date", _("A promise needs a date to pay by."))
            elif when is not None and when < today:
                self.add_error("promise_date", _("The date to pay by cannot be in the past."))
            elif when is not None and when > today + dt.timedelta(days=MAX_PROMISE_DAYS):
                self.add_error(
                    "promise_date",
                    forms.ValidationError(
                        _("The date to pay by must be within %(days)s days."), params={"days": MAX_PROMISE_DAYS}
                    ),
                )
        return data

    def entry(self, case_id: int):
        """The valid form's contact, for `recording.record_contact`."""
        from arrears.workbench.recording import ContactEntry

        data = self.cleaned_data
        return ContactEntry(
            case_id=case_id, version=data["version"], channel=data["channel"], party=data["party"],
            outcome=data["outcome"], contact_point_id=data.get("contact_point"), note=data.get("note") or "",
            promise_amount=data.get("promise_amount"), promise_date=data.get("promise_date"),
            confirmed_points=tuple(data.get("confirmed_points") or ()),
        )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    team = forms.IntegerField(label=_("Team"), required=False, min_value=1)
    assignee = forms.IntegerField(label=_("Collector"), required=False, min_value=1)


class MayICallForm(forms.Form):
    contact_point = forms.IntegerField(label=_("Contact point"), min_value=1)
    channel = forms.ChoiceField(label=_("Channel"), choices=RECORDABLE_CHANNELS, initial="call")


class PassOverForm(forms.Form):
    """Passing over a case the guard blocks now (workbench/passing.py)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    channel = forms.ChoiceField(choices=RECORDABLE_CHANNELS, initial="call", widget=forms.HiddenInput)
    contact_point = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class QueueFilterForm(forms.Form):
    bucket = forms.MultipleChoiceField(label=_("Bucket"), required=False, choices=())
    dpd_min = forms.IntegerField(label=_("DPD from"), required=False, min_value=0, max_value=10000)
    dpd_max = forms.IntegerField(label=_("DPD to"), required=False, min_value=0, max_value=10000)
    segment = forms.CharField(label=_("Segment"), required=False, max_length=64)
    promise_state = forms.ChoiceField(label=_("Promise"), required=False, choices=PROMISE_STATES)
    assignee = forms.CharField(label=_("Assignee"), required=False, max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bucket"].choices = [(bucket, bucket) for bucket in ordered_buckets()]

    def clean_assignee(self):
        value = self.cleaned_data.get("assignee") or ""
        if value and value not in ("me", "unassigned") and not value.isdigit():
            raise forms.ValidationError(_('Choose "me", "unassigned" or a collector.'))
        return value

    def clean(self):
        data = super().clean()
        low, high = data.get("dpd_min"), data.get("dpd_max")
        if low is not None and high is not None and low > high:
            self.add_error("dpd_max", _("The upper DPD must not be below the lower one."))
        return data

    def to_filter(self):
        from arrears.workbench.queue import QueueFilter

        data = self.cleaned_data
        return QueueFilter(
            buckets=tuple(data.get("bucket") or ()),
            dpd_min=data.get("dpd_min"),
            dpd_max=data.get("dpd_max"),
            segment=data.get("segment") or "",
            promise_state=data.get("promise_state") or "",
            assignee=data.get("assignee") or "",
        )
