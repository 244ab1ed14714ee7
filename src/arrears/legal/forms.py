"""A legal officer's decision on a review, read through Django forms by the page and the API alike.

Field errors are lazy translations: `workbench.forms.bilingual_errors(form)` gives each in both languages.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from arrears.legal.reviews import MAX_NOTE

REFER, DECLINE = "refer", "decline"
NOTE_REQUIRED = _("Give the reason for the decision.")


def _note_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reason"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": NOTE_REQUIRED},
    )


class DecisionForm(forms.Form):
    """The page's form under each open review: refer it or decline it, with the reason why."""

    decision = forms.ChoiceField(
        label=_("Decide"),
        choices=((REFER, _("Refer for legal action")), (DECLINE, _("Decline: back to collection"))),
        error_messages={"required": _("Choose to refer or to decline."),
                        "invalid_choice": _("Choose to refer or to decline.")},
    )
    note = _note_field()

    def __init__(self, *args, review_id: int | None = None, **kwargs):
        if review_id is not None:
            kwargs.setdefault("auto_id", f"review-{review_id}-%s")  # one form per open review on the page
        super().__init__(*args, **kwargs)
        self.review_id = review_id

    def refers(self) -> bool:
        return self.cleaned_data["decision"] == REFER


class DecisionApiForm(forms.Form):
    """`POST /api/legal/reviews/{id}/decision`: {"refer": true | false, "note": "…"}."""

    refer = forms.NullBooleanField(label=_("Refer"), required=False)
    note = _note_field()

    def clean_refer(self) -> bool:
        refer = self.cleaned_data.get("refer")
        if refer is None:
            raise forms.ValidationError(_("Say whether to refer the account (true) or decline (false)."), code="required")
        return refer

    def refers(self) -> bool:
        return self.cleaned_data["refer"]
