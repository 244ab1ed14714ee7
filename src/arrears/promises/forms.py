from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from arrears import clock
from arrears.web.forms import YuanField
from arrears.workbench.forms import MAX_PROMISE_DAYS


class PromiseForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    amount = YuanField(label=_("Promised amount (yuan)"), max_length=20)
    due_date = forms.DateField(label=_("Pay by"), input_formats=["%Y-%m-%d"])

    def clean_due_date(self):
        when = self.cleaned_data["due_date"]
        today = clock.today()
        if when < today:
            raise forms.ValidationError(_("The date to pay by cannot be in the past."))
        if when > today + dt.timedelta(days=MAX_PROMISE_DAYS):
            raise forms.ValidationError(
                _("The date to pay by must be within %(days)s days."), params={"days": MAX_PROMISE_DAYS}
            )
        return when
