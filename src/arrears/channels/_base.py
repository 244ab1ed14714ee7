"""The interface every channel implements, the values it exchanges and its error tree."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Message:
    """One outbound message, ready to go.

    key: the attempt's idempotency key; passed to the provider wherever its protocol allows, so a
      resend after a crash is recognised as the same message.
    to: the address on the channel (a mobile number, an email address, a device or account id,
      a postal address).
    unsubscribe_url: for email, the one-click link that opts this address out (None: none).
    """

    key: str
    channel: str
    to: str
    body: str
    subject: str = ""
    language: str = "zh-hans"
    unsubscribe_url: str | None = None
    attempt_id: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """A short stable token of the key, for protocols with short or restricted identifiers."""
        return hashlib.sha256(self.key.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Sent:
    """The provider accepted the message and named it."""

    provider_message_id: str


@dataclass(frozen=True)
class Reconciled:
    """What a channel can tell, after a crash, about a message that may or may not have gone out.

    sent: True (it went, `provider_message_id` names it), False (it certainly did not), None (cannot
    be known: the attempt is held for review, never resent blindly)."""

    sent: bool | None
    provider_message_id: str = ""


@dataclass(frozen=True)
class Receipt:
    """A delivery receipt: the provider's message id and whether it reached the handset or mailbox."""

    provider: str
    provider_message_id: str
    delivered: bool
    at: dt.datetime | None = None
    detail: str = ""


@dataclass(frozen=True)
class Reply:
    """A message back from a person: its sender's address on the channel and its text."""

    provider: str
    channel: str
    sender: str
    text: str
    at: dt.datetime | None = None


class ChannelError(Exception):
    """Base of every error a channel raises."""


class TransientError(ChannelError):
    """The provider did not accept the message this time (down, busy, throttled); try again later."""


class PermanentError(ChannelError):
    """The provider refused the message for good (bad address, rejected content)."""


class UncertainError(ChannelError):
    """The message may have gone out; resending could deliver it twice."""


@runtime_checkable
class Channel(Protocol):
    """One provider on one channel."""

    name: str
    channel: str
    #: True when the provider recognises a resend by the message key and never delivers twice
    idempotent: bool

    def send(self, message: Message) -> Sent: ...

    def reconcile(self, message: Message) -> Reconciled: ...

    def poll_inbound(self) -> list[Receipt | Reply]: ...

    def close(self) -> None: ...
