"""Provider outages made visible: an alert opens when a provider has failed several times in a
row, and closes when it answers again.

    active_alerts()      # the open ones, newest first, for a banner or `arrears outbox status`
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from arrears import clock


def active_alerts() -> list:
    from arrears.outbox.models import OutboxAlert

    return list(OutboxAlert.objects.filter(closed_at__isnull=True).order_by("-opened_at"))


def open_alert(*, provider: str, channel: str, error: str, failures: int, retry_at: dt.datetime):
    """Open (or extend) the provider's alert; the provider is paused until `retry_at`."""
    from arrears.outbox.models import OutboxAlert

    with transaction.atomic():
        alert = OutboxAlert.objects.select_for_update().filter(provider=provider, closed_at__isnull=True).first()
        if alert is None:
            alert = OutboxAlert(provider=provider, channel=channel, opened_at=clock.now())
        alert.failures = max(alert.failures, 0) + failures
        alert.last_error = error[:2000]
        alert.retry_at = retry_at
        alert.save()
    return alert


def close_alerts(*, provider: str) -> int:
    from arrears.outbox.models import OutboxAlert

    return OutboxAlert.objects.filter(provider=provider, closed_at__isnull=True).update(
        closed_at=clock.now(), retry_at=None
    )


def open_alert_for(provider: str):
    """The provider's open alert, or None. While its retry time lies ahead, no worker sends
    through the provider."""
    from arrears.outbox.models import OutboxAlert

    return OutboxAlert.objects.filter(provider=provider, closed_at__isnull=True).first()


def paused_until(provider: str) -> dt.datetime | None:
    alert = open_alert_for(provider)
    return alert.retry_at if alert is not None and alert.retry_at and alert.retry_at > clock.now() else None
