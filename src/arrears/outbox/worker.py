"""The worker: sends due attempts once each, retries what the provider did not take, pauses a
provider that is down, reconciles what a dead worker left half-sent, and applies what comes back.

    Worker(load_config(), owner="host:pid").run(until_idle=True)

Order of one send, and why: the attempt is claimed (leased), judged again by the guard, and
marked `sending` in its own committed transaction before a byte goes out. A crash after that
leaves it in `sending`; when its lease runs out another worker asks the channel what happened
(`reconcile`) instead of sending again: an idempotent provider is simply asked again with the
same key, a channel that cannot tell holds the attempt for review.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from dataclasses import dataclass, field

from django.db import close_old_connections, transaction
from django.db.models import Q

from arrears import clock
from arrears.audit.events import attempt_changed, attempts_changed
from arrears.channels import (
    Channel,
    ChannelError,
    Message,
    PermanentError,
    Receipt,
    Reply,
    Sent,
    TransientError,
    UncertainError,
)
from arrears.contact.models import ContactAttempt, Outcome
from arrears.outbox import alerts, claims, inbound, send_guard
from arrears.outbox.config import OutboxConfig
from arrears.outbox.content import ContentRefused, NoContent, message_for
from arrears.outbox.providers import build_channel
from arrears.outbox.rows import update_each

log = logging.getLogger(__name__)
State = ContactAttempt.State
NO_CONTENT_WAIT = dt.timedelta(hours=1)

AUDITED_STATES = ("sent", "failed", "blocked", "review")  # where an attempt settles, or waits for a person


@dataclass
class WorkerTally:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    review: int = 0
    reconciled: int = 0
    receipts: int = 0
    opt_outs: int = 0

    def line(self) -> str:
        return (
            f"发送 {self.sent}，重试 {self.retried}，失败 {self.failed}，拦截 {self.blocked}，待复核 {self.review}，"
            f"对账 {self.reconciled}，回执 {self.receipts}，退订 {self.opt_outs}\n"
            f"sent {self.sent}, retried {self.retried}, failed {self.failed}, blocked {self.blocked}, "
            f"to review {self.review}, reconciled {self.reconciled}, receipts {self.receipts}, opt-outs {self.opt_outs}"
        )


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Worker:
    config: OutboxConfig
    owner: str = field(default_factory=default_owner)
    batch: int = 50
    lease: dt.timedelta = dt.timedelta(seconds=60)
    idle_sleep: float = 0.5
    tally: WorkerTally = field(default_factory=WorkerTally)
    _channels: dict[str, Channel] = field(default_factory=dict, init=False)
    _failures: dict[str, int] = field(default_factory=dict, init=False)
    _alerted: dict[str, bool] = field(default_factory=dict, init=False)  # an alert is open for the provider

    def channel(self, name: str) -> Channel:
        if name not in self._channels:
            provider = self.config.provider_for(name)
            self._channels[name] = build_channel(provider, name)
        return self._channels[name]

    # --- the loop -----------------------------------------------------------------------

    def run(self, *, until_idle: bool = False, max_seconds: float | None = None, listen_seconds: float = 0.0) -> WorkerTally:
        """Work until stopped; with `until_idle`, until nothing is due, in flight or paused; then
        wait `listen_seconds` for receipts and replies."""
        started = time.monotonic()
        try:
            while True:
                close_old_connections()
                worked = self.step()
                if max_seconds is not None and time.monotonic() - started > max_seconds:
                    break
                if not worked:
                    if until_idle and self.idle():
                        break
                    time.sleep(self.idle_sleep)
            if listen_seconds > 0:
                self.listen(listen_seconds)
        finally:
            self.close()
        return self.tally

    def drain(self, *, listen_seconds: float = 0.0, max_steps: int = 1_000) -> WorkerTally:
        """Work what is due now until nothing is, then wait `listen_seconds` for receipts and
        replies; the channels' sessions stay open for the next call (`close` ends them). For a
        caller that moves the clock itself, as the simulator does."""
        for _ in range(max_steps):
            if not self.step():
                break
        if listen_seconds > 0:
            self.listen(listen_seconds)
        return self.tally

    def step(self) -> int:
        """One pass over every configured channel; how many attempts were worked. The batches of
        channels with a window are prepared one after the other, then sent at the same time (one
        thread per channel, network only), then written."""
        worked = self.reconcile_abandoned()
        batches = []
        for name, chosen in self.config.channels.items():
            alert = alerts.open_alert_for(chosen.provider)
            if alert is not None and alert.retry_at and alert.retry_at > clock.now():
                continue  # paused: the provider is down
            self._alerted[chosen.provider] = alert is not None
            provider = self.config.providers[chosen.provider]
            windowed = provider.window > 1 and hasattr(self.channel(name), "send_many")
            ids = claims.claim(
                channel=name, provider=chosen.provider, owner=self.owner,
                limit=max(self.batch, provider.window) if windowed else self.batch, lease=self.lease,
                channel_rate=chosen.rate, provider_rate=provider.rate,
            )
            worked += len(ids)
            if windowed:
                if ids:
                    batches.append((name, self._prepare_batch(ids), provider.window))
                continue
            for index, attempt_id in enumerate(ids):
                if not self.send_one(attempt_id) == "paused":
                    continue
                claims.release(ids[index + 1:], owner=self.owner)
                break
        for name, ready, results in self._send_batches([batch for batch in batches if batch[1]]):
            self._settle_batch(name, ready, results)
        self.poll_inbound()
        return worked

    def idle(self) -> bool:
        """Nothing in flight, and nothing due now or within the retry horizon (a message waiting
        for tomorrow's window or for a template does not keep a draining worker alive)."""
        channels = list(self.config.channels)
        horizon = clock.now() + dt.timedelta(
            seconds=min(300.0, max(self.config.retry.max_seconds, self.config.outage.pause_seconds)) + 1
        )
        in_flight = ContactAttempt.objects.filter(channel__in=channels, state__in=(State.CLAIMED, State.SENDING)).exists()
        due_soon = (
            ContactAttempt.objects.filter(channel__in=channels, state=State.PLANNED)
            .filter(Q(next_try_at__isnull=True) | Q(next_try_at__lte=horizon))
            .filter(Q(planned_for__isnull=True) | Q(planned_for__lte=horizon))
            .exists()
        )
        return not in_flight and not due_soon

    # --- one attempt --------------------------------------------------------------------

    def send_one(self, attempt_id: int) -> str:
        attempt = ContactAttempt.objects.select_related("contact_point", "loan__borrower").get(pk=attempt_id)
        decision = send_guard.check(attempt, just_read=True)  # judged now, on rows read just now
        if not decision.allowed:
            self._finish(attempt_id, state=State.BLOCKED, blocked_by=",".join(decision.rule_ids),
                         reasons_zh="；".join(decision.reasons_zh), reasons_en="; ".join(decision.reasons_en))
            self.tally.blocked += 1
            return "blocked"
        try:
            message = message_for(attempt, public_url=self.config.public_url)
        except NoContent as error:
            self._finish(attempt_id, state=State.PLANNED, next_try_at=clock.now() + NO_CONTENT_WAIT, last_error=str(error))
            return "waiting"
        except ContentRefused as error:
            self._finish(attempt_id, state=State.FAILED, last_error=str(error)[:2000])
            self.tally.failed += 1
            return "failed"
        if not claims.start_sending(attempt_id, owner=self.owner, lease=self.lease):
            return "lost"
        channel = self.channel(attempt.channel)
        try:
            sent = channel.send(message)
        except (TransientError, UncertainError, PermanentError) as error:
            return self._channel_failed(attempt, channel, error)
        self._finish(attempt_id, state=State.SENT, provider_message_id=sent.provider_message_id[:120],
                     sent_at=clock.now(), last_error="")
        self.tally.sent += 1
        self._provider_answered(channel)
        return "sent"

    def _channel_failed(self, attempt: ContactAttempt, channel: Channel, error: ChannelError) -> str:
        """Where an attempt goes when its channel did not take it: tried again later, held for review
        (it may have gone out), or failed for good."""
        if isinstance(error, TransientError):
            return self._transient(attempt, channel, str(error))
        if isinstance(error, UncertainError):
            if channel.idempotent:  # the provider recognises the key: asking again cannot deliver twice
                return self._transient(attempt, channel, str(error))
            self._finish(attempt.pk, state=State.REVIEW, last_error=str(error)[:2000])
            self.tally.review += 1
            return "review"
        self._finish(attempt.pk, state=State.FAILED, outcome=Outcome.UNDELIVERED, last_error=str(error)[:2000])
        self.tally.failed += 1
        self._provider_answered(channel)
        return "failed"

    # --- a batch of attempts (a provider with a window) ---------------------------------

    def send_batch(self, name: str, attempt_ids: list[int], *, window: int) -> None:
        """Work claimed attempts a batch at a time, by the same rules as `send_one`: judged together
        (`send_guard.check_many`), marked `sending` together (committed before a byte goes out), sent
        through the channel's window, and written back together with one audit append."""
        ready = self._prepare_batch(attempt_ids)
        if ready:
            self._settle_batch(name, ready, self.channel(name).send_many([m for _a, m in ready], window=window))

    def _prepare_batch(self, attempt_ids: list[int]) -> list[tuple[ContactAttempt, Message]]:
        """Judge claimed attempts, write those that will not go, and mark the rest `sending`: the
        attempts to send now, with their messages.

        One attempt per debtor per batch: another for the same debtor is given back and judged in a
        later batch, once the first has gone, so that its guard history shows the first as `send_one`
        would have."""
        attempts = list(
            ContactAttempt.objects.select_related("contact_point", "loan__borrower").filter(pk__in=attempt_ids).order_by("id")
        )
        debtors: set[int] = set()
        first, later = [], []
        for attempt in attempts:
            (later if attempt.loan.borrower_id in debtors else first).append(attempt)
            debtors.add(attempt.loan.borrower_id)
        if later:
            claims.release([attempt.pk for attempt in later], owner=self.owner)
        settled: dict[int, dict] = {}
        ready = []
        seen: dict = {}  # one free text sent to many is rendered and linted once in the batch
        for attempt, decision in zip(first, send_guard.check_many(first), strict=True):
            if not decision.allowed:
                settled[attempt.pk] = dict(state=State.BLOCKED, blocked_by=",".join(decision.rule_ids),
                                           reasons_zh="；".join(decision.reasons_zh), reasons_en="; ".join(decision.reasons_en))
                self.tally.blocked += 1
                continue
            try:
                ready.append((attempt, message_for(attempt, public_url=self.config.public_url, seen=seen)))
            except NoContent as error:
                settled[attempt.pk] = dict(state=State.PLANNED, next_try_at=clock.now() + NO_CONTENT_WAIT, last_error=str(error))
            except ContentRefused as error:
                settled[attempt.pk] = dict(state=State.FAILED, last_error=str(error)[:2000])
                self.tally.failed += 1
        self._finish_many(settled)
        held = set(claims.start_sending_many([attempt.pk for attempt, _message in ready], owner=self.owner, lease=self.lease))
        return [(attempt, message) for attempt, message in ready if attempt.pk in held]

    def _send_batches(self, batches: list) -> list:
        """(channel, ready, results) for each prepared batch, the channels sending at the same time."""
        def send(batch):
            name, ready, window = batch
            return name, ready, self.channel(name).send_many([message for _attempt, message in ready], window=window)

        if len(batches) <= 1:
            return [send(batch) for batch in batches]
        from concurrent.futures import ThreadPoolExecutor

        for name, _ready, _window in batches:
            self.channel(name)  # built here, not in the threads
        with ThreadPoolExecutor(max_workers=len(batches)) as threads:
            return list(threads.map(send, batches))

    def _settle_batch(self, name: str, ready: list, results: list) -> None:
        """Write what the channel answered for each message of a batch: the sent ones together, the
        others one by one as `send_one` writes them."""
        channel = self.channel(name)
        self._finish_sent([(attempt.pk, result) for (attempt, _message), result in zip(ready, results, strict=True)
                           if isinstance(result, Sent)])
        paused = False
        for (attempt, _message), result in zip(ready, results, strict=True):
            if isinstance(result, Sent):
                self._provider_answered(channel)
            elif paused and isinstance(result, TransientError):
                self._give_back(attempt)
            elif self._channel_failed(attempt, channel, result) == "paused":
                paused = True

    def _finish_many(self, settled: dict[int, dict]) -> None:
        """`_finish` for many attempts, in one transaction with one audit append."""
        if not settled:
            return
        with transaction.atomic():
            for attempt_id, fields in settled.items():
                ContactAttempt.objects.filter(pk=attempt_id).update(lease_owner="", lease_until=None, **fields)
            attempts_changed({attempt_id: f"contact.{fields['state']}" for attempt_id, fields in settled.items()
                              if fields["state"] in AUDITED_STATES})

    def _finish_sent(self, sent: list[tuple[int, Sent]]) -> None:
        """The attempts the provider took, written and logged in one transaction."""
        if not sent:
            return
        now = clock.now()
        with transaction.atomic():
            update_each(ContactAttempt, ("state", "provider_message_id", "sent_at", "last_error", "lease_owner", "lease_until"),
                        [(attempt_id, (State.SENT, result.provider_message_id[:120], now, "", "", None))
                         for attempt_id, result in sent])
            attempts_changed({attempt_id: "contact.sent" for attempt_id, _result in sent})
        self.tally.sent += len(sent)

    def _give_back(self, attempt: ContactAttempt) -> None:
        """An attempt the paused provider did not take: due again as if it had never been claimed."""
        ContactAttempt.objects.filter(pk=attempt.pk, lease_owner=self.owner).update(
            state=State.PLANNED, lease_owner="", lease_until=None, tries=attempt.tries, attempted_at=attempt.attempted_at
        )

    def _finish(self, attempt_id: int, **fields) -> None:
        """Write where the attempt ended; a settled one (sent, failed, blocked, to review) is logged
        in the audit log in the same transaction, so a crash keeps both or neither."""
        state = fields.get("state")
        if state not in AUDITED_STATES:
            ContactAttempt.objects.filter(pk=attempt_id).update(lease_owner="", lease_until=None, **fields)
            return
        with transaction.atomic():
            ContactAttempt.objects.filter(pk=attempt_id).update(lease_owner="", lease_until=None, **fields)
            attempt_changed(attempt_id, f"contact.{state}")

    def _transient(self, attempt: ContactAttempt, channel: Channel, error: str) -> str:
        tries = ContactAttempt.objects.values_list("tries", flat=True).get(pk=attempt.pk)
        if self.config.retry.gives_up(tries):
            self._finish(attempt.pk, state=State.FAILED, outcome=Outcome.UNDELIVERED, last_error=error[:2000])
            self.tally.failed += 1
        else:
            self._finish(attempt.pk, state=State.PLANNED, next_try_at=clock.now() + self.config.retry.delay(tries),
                         last_error=error[:2000])
            self.tally.retried += 1
        failures = self._failures.get(channel.name, 0) + 1
        self._failures[channel.name] = failures
        outage = self.config.outage
        if failures >= outage.after_failures:
            self._alerted[channel.name] = True
            alerts.open_alert(
                provider=channel.name, channel=channel.channel, error=error, failures=failures,
                retry_at=clock.now() + dt.timedelta(seconds=outage.pause_seconds),
            )
            self._failures[channel.name] = 0
            return "paused"
        return "retry"

    def _provider_answered(self, channel: Channel) -> None:
        self._failures[channel.name] = 0
        if self._alerted.get(channel.name):
            alerts.close_alerts(provider=channel.name)
            self._alerted[channel.name] = False

    # --- after a crash ------------------------------------------------------------------

    def reconcile_abandoned(self) -> int:
        claims.release_expired_claims()
        taken = claims.take_over_expired_sending(owner=self.owner, lease=self.lease)
        for attempt_id in taken:
            attempt = ContactAttempt.objects.select_related("contact_point", "loan__borrower").get(pk=attempt_id)
            if attempt.channel not in self.config.channels:
                self._finish(attempt_id, state=State.REVIEW, last_error="left in sending; its channel is not configured")
                self.tally.review += 1
                continue
            channel = self.channel(attempt.channel)
            try:
                found = channel.reconcile(message_for(attempt, public_url=self.config.public_url))
            except (TransientError, UncertainError, NoContent, ContentRefused) as error:
                # cannot ask now: keep it in sending under an expired lease, to be asked again
                ContactAttempt.objects.filter(pk=attempt_id).update(lease_until=clock.now(), last_error=str(error)[:2000])
                continue
            except PermanentError as error:
                self._finish(attempt_id, state=State.FAILED, outcome=Outcome.UNDELIVERED, last_error=str(error)[:2000])
                continue
            if found.sent is True:
                self._finish(attempt_id, state=State.SENT, provider_message_id=found.provider_message_id[:120],
                             sent_at=clock.now())
                self.tally.reconciled += 1
            elif found.sent is False:
                self._finish(attempt_id, state=State.PLANNED, last_error="not sent before a worker stopped")
                self.tally.reconciled += 1
            else:
                self._finish(attempt_id, state=State.REVIEW,
                             last_error="a worker stopped while sending; the channel cannot tell whether it went out")
                self.tally.review += 1
        return len(taken)

    # --- what comes back ----------------------------------------------------------------

    def poll_inbound(self) -> None:
        for channel in list(self._channels.values()):
            self.apply_all(channel.poll_inbound())

    def apply_all(self, events: list[Receipt | Reply]) -> None:
        """Receipts written in one transaction (one commit for the lot); replies one at a time."""
        receipts = [event for event in events if isinstance(event, Receipt)]
        named = {(receipt.provider, receipt.provider_message_id) for receipt in receipts}
        if receipts and len(named) == len(receipts):  # each names its own message: written in bulk
            self.tally.receipts += inbound.apply_receipts(receipts)
        elif receipts:
            with transaction.atomic():
                for receipt in receipts:
                    self.apply(receipt)
        for event in events:
            if not isinstance(event, Receipt):
                self.apply(event)

    def apply(self, event: Receipt | Reply) -> None:
        result = inbound.apply(event)
        if isinstance(event, Receipt):
            self.tally.receipts += result
        else:
            self.tally.opt_outs += len(result)

    def listen(self, seconds: float) -> None:
        """Wait for receipts and replies on channels that hold a session (SMPP)."""
        for channel in list(self._channels.values()):
            listen = getattr(channel, "listen", None)
            if listen is not None:
                self.apply_all(listen(seconds))

    def close(self) -> None:
        for channel in self._channels.values():
            channel.close()
        self._channels.clear()
