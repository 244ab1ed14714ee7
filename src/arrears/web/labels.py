"""Words for the codes the pages show: a person reads a segment's name, a channel, an arm, a message,
never `inhouse_late_mild`, `withhold` or `call_late_mild` (one home for every such label).

    segment_label("agency_placement")   # 委外催收 / Agency placement, by the strategy in force
    channel_label("forbearance_offer")  # 纾困方案 / forbearance offer
    payment_channel_label("withhold")   # 代扣 / direct debit
"""

from __future__ import annotations

import functools

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

CHANNELS = {
    "sms": _("SMS"),
    "email": _("email"),
    "app_push": _("app notice"),
    "letter": _("letter"),
    "call": _("call"),
    "visit": _("visit"),
    "visit_request": _("visit review"),
    "legal_review": _("legal review"),
    "forbearance_offer": _("forbearance offer"),
    "legal": _("legal step"),
}
PAYMENT_CHANNELS = {
    "bank_transfer": _("bank transfer"),
    "app": _("in the app"),
    "withhold": _("direct debit"),
    "counter": _("at a counter"),
    "online": _("online (portal payment)"),
    "waiver": _("waiver"),
}
ARMS = {"champion": _("champion"), "challenger": _("challenger")}
OWNERS = {
    "automated": _("automated contact"),
    "internal_queue": _("the in-house queue"),
    "agency_pool": _("the agency pool"),
    "visit_review": _("visit review"),
    "legal_review": _("legal review"),
}


def _english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


@functools.lru_cache(maxsize=8)
def _segment_names(version_id: int | None) -> dict[str, tuple[str, str]]:
    from arrears.strategy.versions import default_or_stored

    strategy = default_or_stored(version_id)
    return {segment.id: (segment.label_zh, segment.label_en) for segment in strategy.segments}


def segment_label(code: str) -> str:
    """The segment's name as the strategy in force calls it (the code itself if it names none)."""
    if not code:
        return "—"
    from arrears.strategy.versions import version_in_force_id

    names = _segment_names(version_in_force_id())
    if code not in names:
        return code
    zh, en = names[code]
    return en if _english() else zh


def channel_label(code: str) -> str:
    return str(CHANNELS.get(code, code or "—"))


def payment_channel_label(code: str) -> str:
    return str(PAYMENT_CHANNELS.get(code, code or "—"))


def arm_label(code: str) -> str:
    return str(ARMS.get(code, code or "—"))


def owner_label(code: str) -> str:
    return str(OWNERS.get(code, code or "—"))


def template_label(code: str) -> str:
    """A message template's name in the reader's language (messaging/defaults.yaml names each)."""
    from arrears.messaging.names import template_name

    return template_name(code, "en" if _english() else "zh-hans") if code else "—"
