"""App notices through a push service or the lender's app backend: a signed JSON POST.

The request: `{"to", "title", "body", "reference"}` with the same idempotency and signature
headers as the SMS gateway; the answer `{"message_id": …}`. The receiver deduplicates by the key.
"""

from __future__ import annotations

from dataclasses import dataclass

from arrears.channels._base import Message, PermanentError, Receipt, Reconciled, Reply, Sent
from arrears.channels._http import post_signed


@dataclass
class WebhookChannel:
    name: str
    url: str
    secret: str
    timeout: float = 10.0
    channel: str = "app_push"
    idempotent: bool = True

    def send(self, message: Message) -> Sent:
        answer = post_signed(
            self.url,
            {"to": message.to, "title": message.subject, "body": message.body, "reference": message.key,
             "language": message.language},
            secret=self.secret,
            key=message.key,
            timeout=self.timeout,
        )
        message_id = str(answer.get("message_id") or "")
        if not message_id:
            raise PermanentError(f"{self.name}: the receiver accepted the notice but named no message id")
        return Sent(provider_message_id=message_id)

    def reconcile(self, message: Message) -> Reconciled:
        return Reconciled(sent=True, provider_message_id=self.send(message).provider_message_id)

    def poll_inbound(self) -> list[Receipt | Reply]:
        return []

    def close(self) -> None:
        pass
