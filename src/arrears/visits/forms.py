"""The visit pages' forms: each parses and validates what a person typed, in zh-Hans and English."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from arrears.access.roles import Role
from arrears.visits.models import IncidentKind, Purpose, VisitOutcome
from arrears.web.forms import YuanField


def collector_choices(day: dt.date | None = None) -> list[tuple[str, str]]:
    """The lender's own field collectors and agencies' field staff, as `user:ID` / `staff:ID`."""
    from arrears.agencies.models import AgencyStaff, StaffRole

    own = (
        get_user_model().objects.filter(is_active=True, groups__name=Role.FIELD_COLLECTOR.value, agency_staff__isnull=True)
        .order_by("username").distinct()
    )
    choices = [(f"user:{u.pk}", f"{u.get_full_name() or u.get_username()} · {_('lender')}") for u in own]
    staff = AgencyStaff.objects.filter(active=True, role=StaffRole.FIELD_COLLECTOR).select_related("agency")
    if day is not None:
        staff = staff.authorised_on(day)
    choices += [(f"staff:{s.pk}", f"{s.full_name} · {s.agency.name}") for s in staff.order_by("agency__name", "full_name")]
    return choices


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ScheduleForm(forms.Form):
    day = forms.DateField(label=_("Date (borrower's local)"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    collectors = forms.MultipleChoiceField(label=_("Collectors (at least two)"), widget=forms.CheckboxSelectMultiple)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    notice_channel = forms.ChoiceField(label=_("Notice by"), choices=[("sms", _("SMS")), ("letter", _("letter"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collectors"].choices = collector_choices()

    def ids(self, kind: str) -> tuple[int, ...]:
        return tuple(int(value.split(":", 1)[1]) for value in self.cleaned_data["collectors"] if value.startswith(f"{kind}:"))


class CheckOutForm(forms.Form):
    identification_shown = forms.BooleanField(label=_("Identification shown"), required=False)
    purpose_stated = forms.BooleanField(label=_("Purpose stated"), required=False)
    no_disclosure = forms.BooleanField(label=_("Nothing disclosed to others present"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=VisitOutcome.choices)
    promise_amount = YuanField(label=_("Promised amount (yuan)"), required=False, max_length=20)
    promise_due = forms.DateField(label=_("Pay by"), required=False, input_formats=["%Y-%m-%d"])
    notes = forms.CharField(label=_("Report"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "promise":
            if data.get("promise_amount") is None and "promise_amount" not in self.errors:
                self.add_error("promise_amount", _("A promise needs an amount."))
            if data.get("promise_due") is None and "promise_due" not in self.errors:
                self.add_error("promise_due", _("A promise needs a date to pay by."))
        return data

    def report(self):
        from arrears.visits.services import Report

        data = self.cleaned_data
        promise = data.get("outcome") == "promise"
        return Report(
            identification_shown=data["identification_shown"], purpose_stated=data["purpose_stated"],
            no_disclosure=data["no_disclosure"], outcome=data["outcome"], notes=data.get("notes") or "",
            promise_amount=data.get("promise_amount") if promise else None,
            promise_due=data.get("promise_due") if promise else None,
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 10 MB)"))
    description = forms.CharField(label=_("Description"), required=False, max_length=200)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IncidentKind.choices)
    description = forms.CharField(label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    injured = forms.BooleanField(label=_("Someone was injured"), required=False)
    police_called = forms.BooleanField(label=_("Police called"), required=False)


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "placeholder": "ABCD-EFGH"}),
    )
