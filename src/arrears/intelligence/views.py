"""The dashboards' pages: each asks `dashboards` for its figures and renders them for ECharts.

/intelligence/             recovery curves by bucket and vintage, roll rates with their trend, the cost of
                           collection, the agencies beside the in-house team: any in-house role, each
                           reader's figures counting the accounts they may see (the agencies' chart only for
                           those who see the whole book)
/intelligence/experiments/ champion and challenger arms with their intervals: those who see the whole book
/intelligence/model/       the promoted (or latest) model's card: calibration, AUC, drift: the same readers
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from arrears.access.scope import figures_scope, sees_whole_book
from arrears.intelligence import dashboards
from arrears.web.scoped import scope_description
from arrears.web.views import internal_staff_required

EXPERIMENT_DAYS = 60


def _last_day() -> dt.date | None:
    days = dashboards.cycle_days()
    return days[-1] if days else None


def whole_book_required(view):
    """Strategy-level figures (arms, the model) count every account: for those who see the whole book."""

    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not sees_whole_book(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return internal_staff_required(checked)


@require_safe
@internal_staff_required
def dashboards_page(request: HttpRequest) -> HttpResponse:
    within = figures_scope(request.user)
    last = _last_day()
    context = {"nav": "dashboards", "last": last, "whole_book": within is None, **scope_description(request.user, within)}
    if last is not None:
        figures = dashboards.collection_figures(last, within)
        context["figures"] = figures
        if within is None:
            totals = figures["cost"]["totals"]
            context["agencies"] = dashboards.agency_figures(last, totals["cost"], totals["recovered"])
    return render(request, "intelligence/dashboards.html", context)


@require_safe
@whole_book_required
def experiments(request: HttpRequest) -> HttpResponse:
    last = _last_day()
    context = {"nav": "dashboards", "last": last}
    if last is not None:
        first = last - dt.timedelta(days=EXPERIMENT_DAYS)
        tests, chart = dashboards.experiment_figures(first, last)
        from arrears.intelligence.experiments import MIN_ARM_SAMPLE

        context.update(first=first, tests=tests, chart=chart, min_sample=MIN_ARM_SAMPLE)
    return render(request, "intelligence/experiments.html", context)


@require_safe
@whole_book_required
def model_card(request: HttpRequest) -> HttpResponse:
    from arrears.intelligence.models import TrainedModel

    model = (TrainedModel.objects.filter(state=TrainedModel.State.PROMOTED).first()
             or TrainedModel.objects.order_by("-version").first())
    context = {"nav": "dashboards", "model": model}
    if model is not None:
        context["figures"] = dashboards.model_figures(model)
        context["metrics"] = model.card.get("metrics", {})
        context["heads"] = model.card.get("heads", {})
    return render(request, "intelligence/model.html", context)
