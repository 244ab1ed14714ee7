"""Placing and releasing holds, read through Django forms by the pages and the API alike.

The page gives an end *date* in the lender's zone: the hold stops binding at 00:00 that day, so it
is in force through the day before. The API gives an end *instant* (ISO 8601 with its offset).
Field errors are lazy translations: `workbench.forms.bilingual_errors(form)` gives each in both languages.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from arrears import clock
from arrears.cases.holds import KINDS, MAX_REASON, kind_words
from arrears.cases.models import HoldKind

KIND_CHOICES = tuple((kind, HoldKind(kind).label) for kind in KINDS)


def in_language(words: tuple[str, str]) -> str:
    """The (zh, en) pair's text in the active language."""
    return words[1] if (translation.get_language() or "").startswith("en") else words[0]
REASON_REQUIRED = _("Give the reason.")


def _reason_field(label) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": REASON_REQUIRED},
    )


class PlaceHoldForm(forms.Form):
    """The account page's form. Any kind is accepted here; whether the role may place it is judged
    after (a 403, not a field error). `offered` narrows the kinds the select lists."""

    kind = forms.ChoiceField(label=_("Kind of hold"), choices=KIND_CHOICES)
    reason = _reason_field(_("Reason for the hold"))
    until = forms.DateField(
        label=_("Ends on (optional)"), required=False, input_formats=["%Y-%m-%d"],
        help_text=_("The hold stops at 00:00 that day, the lender's time; leave empty to keep it until released."),
    )

    def __init__(self, *args, offered: tuple[str, ...] = KINDS, **kwargs):
        super().__init__(*args, **kwargs)
        # listed in the service's words (cases.holds.KIND_WORDS), as the holds table shows them
        self.fields["kind"].widget.choices = [(kind, in_language(kind_words(kind))) for kind in KINDS if kind in offered]

    def clean_until(self):
        day = self.cleaned_data.get("until")
        if day is not None and day <= clock.today():
            raise forms.ValidationError(
                _("The end date must be after today: a hold ends at 00:00 on that day."), code="end_before_start"
            )
        return day

    def until_instant(self) -> dt.datetime | None:
        """The end as a UTC instant: 00:00 of the chosen day in the lender's zone."""
        day = self.cleaned_data.get("until")
        return None if day is None else clock.at_local(day, dt.time(0))


class PlaceHoldApiForm(forms.Form):
    """`POST /api/cases/holds`: the loan by its external id, and the end as an instant with its offset."""

    loan = forms.CharField(label=_("Loan"), max_length=64)
    kind = forms.ChoiceField(label=_("Kind of hold"), choices=KIND_CHOICES)
    reason = _reason_field(_("Reason for the hold"))
    until = forms.CharField(label=_("Ends at"), required=False, max_length=40)

    def clean_until(self) -> dt.datetime | None:
        text = (self.cleaned_data.get("until") or "").strip()
        if not text:
            return None
        try:
            instant = dt.datetime.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(
                _("Give the end as an ISO 8601 date and time with its offset, e.g. 2026-06-01T00:00:00+08:00."),
                code="invalid",
            ) from None
        if instant.tzinfo is None:
            raise forms.ValidationError(
                _("Give the end with its UTC offset, e.g. 2026-06-01T00:00:00+08:00."), code="no_offset"
            )
        instant = instant.astimezone(dt.UTC)
        if instant <= clock.now():
            raise forms.ValidationError(_("The end must come after the start: a hold starts now."), code="end_before_start")
        return instant

    def until_instant(self) -> dt.datetime | None:
        return self.cleaned_data.get("until")


class ReleaseHoldForm(forms.Form):
    """Release one hold; `hold_id` says which hold's form the account page shows the errors under."""

    reason = _reason_field(_("Reason for the release"))

    def __init__(self, *args, hold_id: int | None = None, **kwargs):
        if hold_id is not None:
            kwargs.setdefault("auto_id", f"release-{hold_id}-%s")  # one release form per hold on the page
        super().__init__(*args, **kwargs)
        self.hold_id = hold_id
