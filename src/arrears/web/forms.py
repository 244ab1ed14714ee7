"""The small forms the pages read their input through."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from arrears.money import MoneyError, to_fen
from arrears.web.queries import SEARCH_KEYS

MAX_AMOUNT_FEN = 100_000_000_00  # one hundred million yuan: beyond any consumer loan


class YuanField(forms.CharField):
    """An amount typed in yuan ("500", "1,234.50"), cleaned to fen; above zero and within reason."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            fen = to_fen(value)
        except MoneyError:
            raise forms.ValidationError(
                _("Enter an amount in yuan with at most two decimals, e.g. 500 or 1234.50.")
            ) from None
        if fen <= 0:
            raise forms.ValidationError(_("The amount must be more than zero."))
        if fen > MAX_AMOUNT_FEN:
            raise forms.ValidationError(_("The amount is too large."))
        return fen


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
                    _("Borrower's full name"),
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
