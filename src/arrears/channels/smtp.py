"""Email over SMTP, one connection kept open between messages.

The Message-ID is derived from the attempt's key, so a message can be matched to its attempt in
any mailbox or bounce. SMTP itself cannot be asked whether a message arrived: a message whose
DATA was sent but whose answer was lost is uncertain, and is held for review, never resent.
Every message carries List-Unsubscribe (with One-Click, RFC 8058) when the outbox gives a link.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.utils import formatdate

from arrears.channels._base import (
    ChannelError,
    Message,
    PermanentError,
    Receipt,
    Reconciled,
    Reply,
    Sent,
    TransientError,
    UncertainError,
)


def message_id_for(message: Message, domain: str) -> str:
    return f"<{message.digest}@{domain}>"


@dataclass
class SmtpChannel:
    name: str
    host: str
    port: int
    sender: str
    domain: str = "arrears.invalid"
    username: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 10.0
    channel: str = "email"
    idempotent: bool = False
    sessions: int = 1
    """Sessions a batch (`send_many`) is spread over, each in its own thread, each kept open."""
    _connection: smtplib.SMTP | None = field(default=None, init=False, repr=False)
    _pool: list[SmtpChannel] = field(default_factory=list, init=False, repr=False)

    def _connected(self) -> smtplib.SMTP:
        if self._connection is not None:
            return self._connection
        try:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                connection.starttls()
            if self.username:
                connection.login(self.username, self.password)
        except (OSError, smtplib.SMTPException) as error:
            raise TransientError(f"{self.name}: cannot open SMTP to {self.host}:{self.port}: {error}") from error
        self._connection = connection
        return connection

    def build(self, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = message_id_for(message, self.domain)
        email["Content-Language"] = message.language
        if message.unsubscribe_url:
            email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
            email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email.set_content(message.body)
        return email

    def send(self, message: Message) -> Sent:
        email = self.build(message)
        connection = self._connected()
        try:  # until DATA, nothing can have been delivered: any failure is worth a later try
            connection.ehlo_or_helo_if_needed()
            envelope_from = self.sender.rsplit("<", 1)[-1].rstrip(">")
            code, text = connection.mail(envelope_from)
            if code == 250:
                code, text = connection.rcpt(message.to)
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            raise TransientError(f"{self.name}: SMTP session failed before the message: {error}") from error
        if code not in (250, 251):
            connection.rset()
            failure = f"{self.name}: {code} {text!r}"
            raise (TransientError if 400 <= code < 500 else PermanentError)(failure)
        try:
            code, text = connection.data(email.as_bytes())
        except smtplib.SMTPDataError as error:
            raise (TransientError if 400 <= error.smtp_code < 500 else PermanentError)(
                f"{self.name}: {error.smtp_code} {error.smtp_error!r}"
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            # the server may have taken the message before the connection died: resending could
            # deliver it twice, and SMTP offers no way to ask
            self._drop()
            raise UncertainError(f"{self.name}: connection lost during DATA: {error}") from error
        return Sent(provider_message_id=email["Message-ID"])

    def send_many(self, messages: list[Message], *, window: int = 100) -> list[Sent | ChannelError]:
        """Send `messages` over open sessions (a new one for a session that is lost): each message's
        Sent, or the error `send` raised for it, in the order given. SMTP answers each message before
        the next on a session, so a batch is spread over `sessions` sessions, each in its own thread
        (message i on session i mod sessions); `window` changes nothing here."""
        count = max(1, min(self.sessions, len(messages)))
        if count == 1:
            return self._send_each(messages)
        from concurrent.futures import ThreadPoolExecutor

        while len(self._pool) < count - 1:
            self._pool.append(replace(self, sessions=1))
        senders = [self, *self._pool[: count - 1]]
        results: list[Sent | ChannelError | None] = [None] * len(messages)
        with ThreadPoolExecutor(max_workers=count) as threads:
            done = threads.map(lambda i: senders[i]._send_each(messages[i::count]), range(count))
            for i, theirs in enumerate(done):
                results[i::count] = theirs
        return results

    def _send_each(self, messages: list[Message]) -> list[Sent | ChannelError]:
        results: list[Sent | ChannelError] = []
        for message in messages:
            try:
                results.append(self.send(message))
            except (TransientError, PermanentError, UncertainError) as error:
                results.append(error)
        return results

    def reconcile(self, message: Message) -> Reconciled:
        return Reconciled(sent=None)

    def poll_inbound(self) -> list[Receipt | Reply]:
        return []  # unsubscribes arrive through the link; bounces are not read yet

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except OSError:
                pass

    def close(self) -> None:
        for sibling in self._pool:
            sibling.close()
        self._pool.clear()
        if self._connection is not None:
            try:
                self._connection.quit()
            except (OSError, smtplib.SMTPException):
                pass
        self._drop()
