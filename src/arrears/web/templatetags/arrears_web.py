"""Filters and tags for the arrears pages: money, rates, labels, and the roll-rate chart."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arrears import clock
from arrears.cycle.models import AccountStatus
from arrears.money import format_money
from arrears.notices.lender import default_currency
from arrears.web import charts, labels
from arrears.web.buckets import CURRENT_BUCKET, bucket_rank
from arrears.web.rollrates import RollMatrix

register = template.Library()

REPAYMENT_METHODS = {
    "annuity": gettext_lazy("equal instalments (annuity)"),
    "equal_principal": gettext_lazy("equal principal"),
    "interest_first": gettext_lazy("interest first, principal at end"),
}

FORWARD_COLOUR = "#c2410c"
STAY_COLOUR = "#64748b"
CURE_COLOUR = "#15803d"


@register.filter
def money(minor, currency=None) -> str:
    """Hundredths in `currency` (the loan's; by default the lender's), as the reader's language writes
    them: 123450 → ¥1,234.50, or $1,234.50 for USD in English; nothing → —."""
    if minor is None or minor == "":
        return "—"
    return format_money(int(minor), currency or default_currency(), get_language() or "zh-hans")


yuan = register.filter("yuan", money)
"""The older name of `money`, kept for the pages that show no loan's currency (the lender's is theirs)."""


@register.filter
def thousands(count) -> str:
    """A count with thousands separators in every language: 1234567 → 1,234,567."""
    if count is None or count == "":
        return "—"
    return f"{int(count):,}"


@register.filter
def basis_points(value) -> str:
    """An annual rate in basis points as a percentage: 1800 → 18.00%."""
    if value is None or value == "":
        return "—"
    whole, rest = divmod(int(value), 100)
    return f"{whole}.{rest:02d}%"


@register.filter
def status_label(status) -> str:
    return str(AccountStatus(status).label) if status in AccountStatus.values else (status or "—")


@register.filter
def segment_label(code) -> str:
    return labels.segment_label(code)


@register.filter
def channel_label(code) -> str:
    return labels.channel_label(code)


@register.filter
def payment_channel_label(code) -> str:
    return labels.payment_channel_label(code)


@register.filter
def arm_label(code) -> str:
    return labels.arm_label(code)


@register.filter
def template_label(code) -> str:
    return labels.template_label(code)


@register.filter
def repayment_method_label(method) -> str:
    return str(REPAYMENT_METHODS.get(method, method))


@register.filter
def product_name(product) -> str:
    """The product's name in the page's language."""
    if product is None:
        return "—"
    return product.name_en if (get_language() or "").startswith("en") else product.name_zh


@register.filter
def bucket_class(bucket) -> str:
    """A CSS class by severity: current, early (M1–M2), late (M3–M6), severe (M7 and beyond)."""
    if not bucket:
        return "bucket"
    if bucket == CURRENT_BUCKET:
        return "bucket bucket-current"
    known, order, _label = bucket_rank(bucket)
    if known != 0:
        return "bucket"
    months = order // 2
    if months <= 2:
        return "bucket bucket-early"
    return "bucket bucket-late" if months <= 6 else "bucket bucket-severe"


@register.filter
def index(sequence, position):
    """sequence[position], for templates."""
    try:
        return sequence[int(position)]
    except (IndexError, TypeError, ValueError):
        return None


@register.simple_tag
def roll_rate_chart(matrix: RollMatrix) -> str:
    """Forward roll, stay and cure per start bucket, as inline SVG."""
    rows = matrix.populated_rows
    forward = charts.Series(
        _("Roll forward"),
        tuple(row.forward.ratio for row in rows),
        FORWARD_COLOUR,
        tuple(row.forward.percent for row in rows),
    )
    stay = charts.Series(
        _("Stay"), tuple(row.stay.ratio for row in rows), STAY_COLOUR, tuple(row.stay.percent for row in rows)
    )
    cure = charts.Series(
        _("Cure (to M0)"),
        tuple(None if row.cure is None else row.cure.ratio for row in rows),
        CURE_COLOUR,
        tuple("" if row.cure is None else row.cure.percent for row in rows),
    )
    svg = charts.grouped_bar_chart(
        [row.bucket for row in rows],
        [forward, stay, cure],
        title=_("Roll rates by bucket"),
        description=_("Share of the accounts in each bucket that rolled forward, stayed, or cured."),
        y_max=1.0,
        y_format=charts.percent_tick,
        empty_text=_("No data"),
        chart_id="roll-rate-chart",
    )
    return mark_safe(svg)  # every text is escaped by charts


@register.filter
def local_time(time_zone) -> str:
    """The time now in a borrower's time zone, "HH:MM", or — for a zone the server does not know."""
    try:
        zone = ZoneInfo(str(time_zone))
    except (ZoneInfoNotFoundError, ValueError):
        return "—"
    return clock.now().astimezone(zone).strftime("%H:%M")


@register.filter
def value_for(mapping, key):
    """`mapping[key]`, or "" when it has none (a contact value revealed on the account page)."""
    return mapping.get(key, "") if mapping else ""
