"""SMS through a generic HTTP gateway: a JSON webhook signed with HMAC-SHA256.

The request: POST {url} with `{"to", "text", "reference"}`, headers `Idempotency-Key: <message key>`
and `X-Arrears-Signature: t=<unix>,v1=<hex hmac of "t." + body>`. The answer: `{"message_id": …}`.
Delivery receipts and replies come back to /outbox/callbacks/<provider>/ signed the same way.

The gateway deduplicates by the idempotency key, so after a crash the message is simply sent
again with the same key: the gateway answers with the id it gave the first time.
"""

from __future__ import annotations

from dataclasses import dataclass

from arrears.channels._base import Message, PermanentError, Receipt, Reconciled, Reply, Sent
from arrears.channels._http import post_signed


@dataclass
class HttpGatewayChannel:
    name: str
    url: str
    secret: str
    sender: str = ""
    timeout: float = 10.0
    channel: str = "sms"
    idempotent: bool = True

    def send(self, message: Message) -> Sent:
        answer = post_signed(
            self.url,
            {"to": message.to, "from": self.sender, "text": message.body, "reference": message.key},
            secret=self.secret,
            key=message.key,
            timeout=self.timeout,
        )
        message_id = str(answer.get("message_id") or "")
        if not message_id:
            raise PermanentError(f"{self.name}: the gateway accepted the message but named no message id")
        return Sent(provider_message_id=message_id)

    def reconcile(self, message: Message) -> Reconciled:
        return Reconciled(sent=True, provider_message_id=self.send(message).provider_message_id)

    def poll_inbound(self) -> list[Receipt | Reply]:
        return []  # receipts and replies arrive as signed callbacks

    def close(self) -> None:
        pass
