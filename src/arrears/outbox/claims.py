"""Claiming due attempts with a lease, so that each is worked by one worker at a time.

PostgreSQL: the due rows are locked with FOR UPDATE SKIP LOCKED, so concurrent workers take
disjoint sets without waiting on each other. SQLite: its transactions here take the write lock
at BEGIN (IMMEDIATE), and the UPDATE only moves rows still in `planned`, so two workers can
never both move one row. The rate limit is counted in the same transaction; on PostgreSQL an
advisory lock per channel makes the count and the claim one step across workers.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Q

from arrears import clock
from arrears.outbox.config import RateLimit


def _lock_channel(channel: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"arrears.outbox.{channel}"])


def _room(field: str, value: str, rate: RateLimit | None, now: dt.datetime) -> int | None:
    from arrears.contact.models import ContactAttempt

    if rate is None:
        return None
    since = now - dt.timedelta(seconds=rate.seconds)
    used = ContactAttempt.objects.filter(**{field: value}, claimed_at__gt=since).count()
    return max(0, rate.count - used)


def claim(
    *,
    channel: str,
    provider: str,
    owner: str,
    limit: int,
    lease: dt.timedelta,
    channel_rate: RateLimit | None = None,
    provider_rate: RateLimit | None = None,
) -> list[int]:
    """Move up to `limit` due attempts of `channel` to `claimed` for `owner`; their ids."""
    from arrears.contact.models import ContactAttempt

    now = clock.now()
    with transaction.atomic():
        _lock_channel(channel)
        rooms = [limit] + [r for r in (_room("channel", channel, channel_rate, now), _room("provider", provider, provider_rate, now)) if r is not None]
        room = min(rooms)
        if room <= 0:
            return []
        due = (
            ContactAttempt.objects.filter(state=ContactAttempt.State.PLANNED, channel=channel)
            .filter(Q(next_try_at__isnull=True) | Q(next_try_at__lte=now))
            .filter(Q(planned_for__isnull=True) | Q(planned_for__lte=now))
            .order_by("id")
        )
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:room])
        if not ids:
            return []
        moved = ContactAttempt.objects.filter(id__in=ids, state=ContactAttempt.State.PLANNED).update(
            state=ContactAttempt.State.CLAIMED, lease_owner=owner, lease_until=now + lease, claimed_at=now,
            provider=provider,
        )
        if moved != len(ids):  # cannot happen under the locks above; never send what we may not hold
            return list(
                ContactAttempt.objects.filter(id__in=ids, state=ContactAttempt.State.CLAIMED, lease_owner=owner)
                .values_list("id", flat=True)
            )
    return ids


def start_sending(attempt_id: int, *, owner: str, lease: dt.timedelta) -> bool:
    """Mark the attempt `sending` (committed) before any byte goes to the provider; False when
    this worker no longer holds it."""
    from arrears.contact.models import ContactAttempt
    from django.db.models import F

    now = clock.now()
    return bool(
        ContactAttempt.objects.filter(id=attempt_id, state=ContactAttempt.State.CLAIMED, lease_owner=owner).update(
            state=ContactAttempt.State.SENDING, lease_until=now + lease, tries=F("tries") + 1, attempted_at=now
        )
    )


def start_sending_many(attempt_ids: list[int], *, owner: str, lease: dt.timedelta) -> list[int]:
    """`start_sending` for a batch, in one committed transaction; the ids this worker still held
    (and has now marked `sending`), in the order given."""
    from arrears.contact.models import ContactAttempt
    from django.db.models import F

    if not attempt_ids:
        return []
    now = clock.now()
    with transaction.atomic():
        moved = ContactAttempt.objects.filter(
            id__in=attempt_ids, state=ContactAttempt.State.CLAIMED, lease_owner=owner
        ).update(state=ContactAttempt.State.SENDING, lease_until=now + lease, tries=F("tries") + 1, attempted_at=now)
        if moved == len(attempt_ids):
            return list(attempt_ids)
        held = set(ContactAttempt.objects.filter(
            id__in=attempt_ids, state=ContactAttempt.State.SENDING, lease_owner=owner, attempted_at=now
        ).values_list("id", flat=True))
    return [attempt_id for attempt_id in attempt_ids if attempt_id in held]


def release(ids: list[int], *, owner: str) -> int:
    """Give claimed attempts back untouched (a paused provider, a stopping worker)."""
    from arrears.contact.models import ContactAttempt

    return ContactAttempt.objects.filter(id__in=ids, state=ContactAttempt.State.CLAIMED, lease_owner=owner).update(
        state=ContactAttempt.State.PLANNED, lease_owner="", lease_until=None
    )


def release_expired_claims() -> int:
    """Claims whose worker died before starting to send: nothing went out, they are due again."""
    from arrears.contact.models import ContactAttempt

    return ContactAttempt.objects.filter(state=ContactAttempt.State.CLAIMED, lease_until__lt=clock.now()).update(
        state=ContactAttempt.State.PLANNED, lease_owner="", lease_until=None
    )


def take_over_expired_sending(*, owner: str, lease: dt.timedelta, limit: int = 100) -> list[int]:
    """Attempts left in `sending` by a worker that died: taken, one worker each, to reconcile."""
    from arrears.contact.models import ContactAttempt

    now = clock.now()
    taken = []
    candidates = ContactAttempt.objects.filter(state=ContactAttempt.State.SENDING, lease_until__lt=now).values_list(
        "id", flat=True
    )[:limit]
    for attempt_id in list(candidates):
        if ContactAttempt.objects.filter(id=attempt_id, state=ContactAttempt.State.SENDING, lease_until__lt=now).update(
            lease_owner=owner, lease_until=now + lease
        ):
            taken.append(attempt_id)
    return taken
