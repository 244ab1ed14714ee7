"""The nights page: each night's steps with their state, times, memory and counts, and why a step failed.

Read-only, for those who may read the record (`nightly.view_nightlyrun`: administrators and
compliance officers); a failed step's reason is shown in the reader's language.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from arrears.nightly.forms import NightForm
from arrears.nightly.status import NightLine, StepLine, recent_nights

NIGHTS_SHOWN = 14

# status.py's states, in the reader's words: a step left "running" is one the night did not finish
STATE_WORDS = {"done": _("done"), "failed": _("failed"), "running": _("unfinished"), "waiting": _("not run")}
STATE_BADGES = {"done": "badge-good", "failed": "badge-bad", "running": "badge-warn", "waiting": ""}


def may_read_nights(user) -> bool:
    return user.has_perm("nightly.view_nightlyrun")


def _step_row(step: StepLine, english: bool) -> dict:
    return {
        "step": step,
        "title": step.title_en if english else step.title_zh,
        "state_words": STATE_WORDS[step.state],
        "badge": STATE_BADGES[step.state],
        "counts": [f"{name} {value}" for name, value in step.counts.items()],
        "error": step.error_en if english else step.error_zh,
    }


def _night_card(night: NightLine, english: bool) -> dict:
    steps = [_step_row(step, english) for step in night.steps]
    return {
        "night": night,
        "state_words": STATE_WORDS[night.state],
        "badge": STATE_BADGES[night.state],
        "steps": steps,
        "failed": next((row for row in steps if row["step"].state == "failed"), None),
        "seconds": round(sum(step.seconds for step in night.steps), 1),
    }


@require_safe
@login_required
def nights(request: HttpRequest) -> HttpResponse:
    if not may_read_nights(request.user):
        raise PermissionDenied
    form = NightForm(request.GET or None)
    as_of = form.cleaned_data.get("as_of") if form.is_valid() else None
    english = (get_language() or "").startswith("en")
    shown = recent_nights(as_of=as_of, count=1 if as_of else NIGHTS_SHOWN)
    context = {
        "form": form,
        "as_of": as_of,
        "nights": [_night_card(night, english) for night in shown],
        "nights_shown": NIGHTS_SHOWN,
        "nav": "nightly",
    }
    return render(request, "nightly/nights.html", context)
