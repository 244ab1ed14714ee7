"""Opting a contact point out of a channel: recorded, and binding at once.

    opt_out(contact_point_id=7, channel="sms", source="sms_reply", detail="STOP")

The plan's guard reads the table set-based; attempts already waiting in the outbox for that
point and channel are blocked here, so none goes out after the request.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from arrears import clock
from arrears.errors import InputError

OPT_OUT_RULE = "channel_opt_out"
WAITING_STATES = ("planned", "claimed")


def opt_out(*, contact_point_id: int, channel: str, source: str, detail: str = "", at: dt.datetime | None = None):
    """Record the request and block every attempt still waiting on that channel and point."""
    from arrears.contact.models import Channel, ChannelOptOut, ContactAttempt
    from arrears.ledger.models import ContactPoint

    if channel not in Channel.values:
        raise InputError(f"未知渠道：{channel}", f"unknown channel {channel!r}")
    if not ContactPoint.objects.filter(pk=contact_point_id).exists():
        raise InputError(f"找不到联系方式 {contact_point_id}", f"no contact point {contact_point_id}")
    at = at or clock.now()
    with transaction.atomic():
        record = ChannelOptOut.objects.create(
            contact_point_id=contact_point_id, channel=channel, at=at, source=source[:32], detail=detail
        )
        blocked = ContactAttempt.objects.filter(
            contact_point_id=contact_point_id, channel=channel, state__in=WAITING_STATES
        ).update(
            state=ContactAttempt.State.BLOCKED,
            blocked_by=OPT_OUT_RULE,
            reasons_zh="对方已要求停止使用此渠道",
            reasons_en="The person asked to stop contact through this channel",
            lease_owner="",
            lease_until=None,
        )
        from arrears.audit.events import opted_out

        opted_out(record, blocked=blocked)
    return record


def is_opted_out(contact_point_id: int | None, channel: str) -> bool:
    from arrears.contact.models import ChannelOptOut

    if contact_point_id is None:
        return False
    return ChannelOptOut.objects.filter(contact_point_id=contact_point_id, channel=channel).exists()
