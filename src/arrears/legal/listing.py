"""The legal reviews a person may read, as the page and the API show them.

    lines = open_lines(user)              # awaiting a decision, oldest first
    lines = decided_lines(user)           # referred or declined, the latest decision first

Reading needs `legal.view_legalreview`; within it, a person reads the reviews of the accounts
they may see (arrears.access.scope), so a team lead reads their teams' reviews only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from arrears.legal.models import LegalReview, ReviewState

DECIDED_SHOWN = 100


@dataclass(frozen=True)
class ReviewLine:
    """One review with its segment's label, in both languages (the segment's id when no strategy names it)."""

    review: LegalReview
    segment_zh: str
    segment_en: str


def may_read(user) -> bool:
    return bool(user is not None and user.is_active and user.has_perm("legal.view_legalreview"))


def visible_reviews(user) -> QuerySet:
    from arrears.access.scope import loans_visible_to

    if not may_read(user):
        return LegalReview.objects.none()
    return LegalReview.objects.filter(loan__in=loans_visible_to(user)).select_related("loan", "decided_by")


def open_lines(user) -> list[ReviewLine]:
    return with_labels(visible_reviews(user).filter(state=ReviewState.OPEN).order_by("opened_on", "pk"))


def decided_lines(user, *, state: str = "", limit: int = DECIDED_SHOWN) -> list[ReviewLine]:
    decided = visible_reviews(user).exclude(state=ReviewState.OPEN)
    if state:
        decided = decided.filter(state=state)
    return with_labels(decided.order_by("-decided_at", "-pk")[:limit])


def with_labels(reviews: Iterable[LegalReview]) -> list[ReviewLine]:
    reviews = list(reviews)
    labels = _segment_labels({review.opened_on for review in reviews})
    lines = []
    for review in reviews:
        zh, en = labels.get(review.opened_on, {}).get(review.segment, (review.segment, review.segment))
        lines.append(ReviewLine(review, zh or "—", en or "—"))
    return lines


def _segment_labels(days: set[dt.date]) -> dict[dt.date, dict[str, tuple[str, str]]]:
    """Each day's segment labels, from the strategy in force that day (as strategy.versions.strategy_in_force
    chooses it: the latest version activated on or before the day, else the shipped default), each version
    read once."""
    from arrears.strategy.models import StrategyVersion
    from arrears.strategy.versions import shipped_strategy

    if not days:
        return {}
    versions = list(StrategyVersion.objects.filter(active_from__lte=max(days)).order_by("active_from", "version"))
    read: dict[int | None, dict[str, tuple[str, str]]] = {}
    labels = {}
    for day in days:
        in_force = next((version for version in reversed(versions) if version.active_from <= day), None)
        key = None if in_force is None else in_force.pk
        if key not in read:
            strategy = shipped_strategy() if in_force is None else in_force.loaded()
            read[key] = {segment.id: (segment.label_zh, segment.label_en) for segment in strategy.segments}
        labels[day] = read[key]
    return labels
