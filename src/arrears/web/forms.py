"""The small forms the pages read their input through."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from arrears.web.queries import SEARCH_KEYS


class AccountSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False, strip=True)
    by = forms.ChoiceField(
        label=_("Search by"),
        required=False,
        choices=list(
            zip(
                SEARCH_KEYS,
                [
                    _("Any key"),
                    _("Loan ID"),
                    _("Borrower ID"),
                    _("Borrower name contains"),
                    _("Last 4 of national ID"),
                ],
                strict=True,
            )
        ),
    )

    def cleaned_key(self) -> str:
        return self.cleaned_data.get("by") or "auto"


class RollRatesForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, input_formats=["%Y-%m-%d"])
