"""Real peers on this machine for the outbox's channels: an SMTP server (aiosmtpd), an SMSC
(smpp34's SMPP 3.4 server) with delivery receipts and borrowers' replies, and an HTTP provider
(an SMS gateway's or push service's API) that checks signatures and deduplicates by idempotency key.

    smsc = SmppPeer().start()                # a free port; SmppPeer().start(2775) for a given one
    ...                                      # the worker sends to 127.0.0.1:smsc.port
    for message in smsc.take_new():          # what arrived since the last call, in order
        print(message.to, message.text, message.message_id)
    smsc.stop()

Each peer runs in threads of the calling process and records what it received; other processes
(workers) talk to it over TCP. `arrears peers` runs all three in the foreground, and
`arrears.outbox.local.start_local_peers()` starts them with an outbox configuration pointing at them.
No Django here.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import json
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from arrears.channels.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify

LOOPBACK = "127.0.0.1"
UCS2 = 8  # SMPP data_coding of UCS-2 (UTF-16BE) text
USER_DATA_HEADER = 0x40  # esm_class bit: the short message starts with a user data header


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def _bindable(port: int) -> None:
    """Raise OSError when nothing can listen on 127.0.0.1:`port` (another server holds it)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind: a closed port's TIME_WAIT is no obstacle
        probe.bind((LOOPBACK, port))


def wait_until(condition, timeout: float = 20.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


@dataclass(frozen=True)
class Received:
    """One message as its recipient got it.

    channel: "sms", "email" or "app_push".
    to: the recipient's number (as the sender addressed it) or email address.
    text: the text as the recipient reads it: an SMS's parts joined, an email's plain body, a
      notice's body.
    message_id: the provider's id, the one the sender stored: the SMSC's id of the first part,
      the email's Message-ID, the gateway's id.
    subject: an email's subject or a notice's title ("" for an SMS).
    sender: the sending address ("" when the protocol names none).
    """

    channel: str
    to: str
    text: str
    message_id: str
    subject: str = ""
    sender: str = ""
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def first_line(self) -> str:
        """The subject, else the text's first line: what a glance at the inbox or handset shows."""
        lines = (self.subject or self.text).strip().splitlines()
        return lines[0] if lines else ""


class _Inbox:
    """Messages received and not yet taken; written by a peer's threads, taken by anyone."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[Received] = []

    def put(self, message: Received) -> None:
        with self._lock:
            self._waiting.append(message)

    def take(self) -> list[Received]:
        with self._lock:
            taken, self._waiting = self._waiting, []
        return taken


# --- SMTP -------------------------------------------------------------------------------------


@dataclass
class SmtpPeer:
    """A mail server: accepts every message (after `delay`), one `Received` per envelope recipient."""

    delay: float = 0.0
    messages: list = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _inbox: _Inbox = field(default_factory=_Inbox, repr=False)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(parsed)
        body = parsed.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        for recipient in envelope.rcpt_tos:
            self._inbox.put(Received("email", recipient, text, str(parsed["Message-ID"] or ""),
                                     subject=str(parsed["Subject"] or ""), sender=envelope.mail_from or ""))
        return "250 Message accepted for delivery"

    def start(self, port: int | None = None) -> SmtpPeer:
        """Listen on 127.0.0.1:`port`, or a free port; OSError when it cannot."""
        from aiosmtpd.controller import Controller  # imported here, not by whoever only reads LOOPBACK

        if port:
            _bindable(port)  # aiosmtpd would report a taken port only after its 5-second ready timeout
        self.port = port or free_port()
        self._controller = Controller(self, hostname=LOOPBACK, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def message_ids(self) -> Counter:
        with self._lock:
            return Counter(m["Message-ID"] for m in self.messages)

    def take_new(self) -> list[Received]:
        """The messages received since the last call, oldest first."""
        return self._inbox.take()


# --- SMPP -------------------------------------------------------------------------------------


def _text(body: bytes, coding: int) -> str:
    return body.decode("utf-16-be", errors="replace") if coding == UCS2 else body.decode("latin-1")


def _concatenation(body: bytes) -> tuple[bytes, tuple[int, int, int] | None]:
    """The text after the user data header, and (reference, parts, this part) when it is one part
    of a concatenated SMS (information element 0x00 or 0x08, 3GPP TS 23.040 9.2.3.24)."""
    length = body[0] if body else 0
    header, text = body[1:length + 1], body[length + 1:]
    index = 0
    while index + 1 < len(header):
        element, size = header[index], header[index + 1]
        value = header[index + 2:index + 2 + size]
        if element == 0x00 and size == 3:
            return text, (value[0], value[1], value[2])
        if element == 0x08 and size == 4:
            return text, (int.from_bytes(value[:2], "big"), value[2], value[3])
        index += 2 + size
    return text, None


@dataclass
class SmppPeer:
    """An SMSC: accepts every bind and submit_sm, answers with its own message ids, and sends an
    SMPP 3.4 delivery receipt (deliver_sm, esm_class 0x04) for each message after `receipt_delay`.

    `submits` holds every submit_sm as it came (one per part); `take_new()` gives whole messages,
    the parts of a concatenated SMS joined under the first part's id."""

    receipt_delay: float = 0.05
    receipts: bool = True
    answer_delay: float = 0.0  # seconds before each submit_sm is answered (a slow SMSC)
    submits: list = field(default_factory=list)
    undelivered_receipts: int = 0  # receipts for a client that had unbound before they were due
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _inbox: _Inbox = field(default_factory=_Inbox, repr=False)
    _parts: dict = field(default_factory=dict, repr=False)  # (session, to, reference) -> {part number: submit}

    def start(self, port: int | None = None) -> SmppPeer:
        """Listen on 127.0.0.1:`port`, or a free port; OSError when it cannot."""
        import smpp34

        self.port = port or free_port()
        self._loop = asyncio.new_event_loop()
        self._sessions: dict = {}
        self._ready = threading.Event()
        self._failure: Exception | None = None
        self._counter = 0

        async def serve():
            self._server = smpp34.Server(host=LOOPBACK, port=self.port, system_id="TESTSMSC")
            try:
                await self._server.start()
            except smpp34.SmppError as error:
                self._failure = error
                return
            finally:
                self._ready.set()
            while True:
                event = await self._server.next()
                if isinstance(event, smpp34.Esme):
                    self._sessions[event.session_id] = event
                elif isinstance(event, smpp34.SubmitSmEvent):
                    self._counter += 1
                    message_id = f"smsc{self._counter:08d}"
                    submit = {"id": message_id, "to": event.destination_addr, "from": event.source_addr,
                              "coding": event.data_coding, "esm_class": event.esm_class, "body": bytes(event.short_message),
                              "registered_delivery": event.registered_delivery}
                    with self._lock:
                        self.submits.append(submit)
                    self._arrived(event.session_id, submit)  # before the answer, so a sender sees it once answered
                    if self.answer_delay:
                        await asyncio.sleep(self.answer_delay)
                    event.accept(message_id=message_id)
                    if self.receipts and event.registered_delivery:
                        asyncio.get_running_loop().create_task(self._receipt(event.session_id, message_id, event))
                elif isinstance(event, smpp34.Unbound):
                    self._sessions.pop(event.session_id, None)

        def run():
            asyncio.set_event_loop(self._loop)
            try:
                self._loop.run_until_complete(self._task)
            except asyncio.CancelledError:  # stopped
                pass
            finally:  # receipts still waiting to go are dropped with the SMSC
                waiting = asyncio.all_tasks(self._loop)
                for task in waiting:
                    task.cancel()
                self._loop.run_until_complete(asyncio.gather(*waiting, return_exceptions=True))
                self._loop.close()

        self._task = self._loop.create_task(serve())
        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._failure is not None:
            self._thread.join(5)
            raise OSError(str(self._failure))
        return self

    def _arrived(self, session_id: str, submit: dict) -> None:
        body = submit["body"]
        if not submit["esm_class"] & USER_DATA_HEADER:
            self._inbox.put(Received("sms", submit["to"], _text(body, submit["coding"]), submit["id"], sender=submit["from"]))
            return
        text, concatenation = _concatenation(body)
        if concatenation is None:
            self._inbox.put(Received("sms", submit["to"], _text(text, submit["coding"]), submit["id"], sender=submit["from"]))
            return
        reference, total, number = concatenation
        key = (session_id, submit["to"], reference)
        parts = self._parts.setdefault(key, {})
        parts[number] = dict(submit, body=text)
        if len(parts) < total:
            return
        del self._parts[key]
        ordered = [parts[n] for n in sorted(parts)]
        whole = "".join(_text(part["body"], part["coding"]) for part in ordered)
        self._inbox.put(Received("sms", submit["to"], whole, ordered[0]["id"], sender=submit["from"]))

    async def _receipt(self, session_id: str, message_id: str, event) -> None:
        await asyncio.sleep(self.receipt_delay)
        session = self._sessions.get(session_id)
        if session is None:
            return
        text = f"id:{message_id} sub:001 dlvrd:001 submit date:2603011000 done date:2603011000 stat:DELIVRD err:000"
        try:
            await session.deliver_sm(
                destination_addr=event.source_addr, source_addr=event.destination_addr, esm_class=0x04,
                short_message=text.encode(),
            )
        except Exception:  # noqa: BLE001 - the client unbound meanwhile: as a real SMSC, keep the receipt to itself
            self.undelivered_receipts += 1

    def reply(self, sender: str, text: str):
        """A borrower's reply (mobile-originated), pushed to every bound session; returns at once
        (the deliver_sm_resp comes when the client reads)."""

        async def push():
            for session in list(self._sessions.values()):
                await session.deliver_sm(destination_addr="10690000", source_addr=sender, data_coding=UCS2,
                                         short_message=text.encode("utf-16-be"))

        return asyncio.run_coroutine_threadsafe(push(), self._loop)

    def texts(self) -> list[str]:
        with self._lock:
            return [_text(s["body"], s["coding"]) for s in self.submits]

    def take_new(self) -> list[Received]:
        """The messages received since the last call, oldest first; a concatenated SMS once its
        last part is in."""
        return self._inbox.take()

    def stop(self) -> None:
        if self._loop.is_closed():  # stopped already, or never listened
            return

        async def halt():
            await self._server.stop()

        try:
            asyncio.run_coroutine_threadsafe(halt(), self._loop).result(5)
        except Exception:  # noqa: BLE001 - the loop ends with the process anyway
            pass
        self._loop.call_soon_threadsafe(self._task.cancel)  # the server's next() does not return after stop
        self._thread.join(5)


# --- the provider's HTTP API ------------------------------------------------------------------


@dataclass
class HttpProvider:
    """A gateway's cloud API: checks the signature, gives each new idempotency key a message id,
    answers a repeated key with the first id and delivers nothing again.

    Serves the SMS gateway's requests (`{"to", "text", …}`) and the app webhook's
    (`{"to", "title", "body", …}`) alike, on any path."""

    secret: str = "gateway-secret"
    delay: float = 0.0
    down: bool = False
    requests: list = field(default_factory=list)
    delivered: dict = field(default_factory=dict)  # key -> payload
    ids: dict = field(default_factory=dict)  # key -> message id
    refused_signatures: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _inbox: _Inbox = field(default_factory=_Inbox, repr=False)

    def start(self, port: int | None = None) -> HttpProvider:
        """Listen on 127.0.0.1:`port`, or a free port; OSError when it cannot."""
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with peer._lock:
                    peer.requests.append(body)
                if peer.down:
                    return self._answer(503, {"error": "maintenance"})
                if not verify(peer.secret, body, self.headers.get(SIGNATURE_HEADER)):
                    with peer._lock:
                        peer.refused_signatures += 1
                    return self._answer(401, {"error": "bad signature"})
                key = self.headers.get(IDEMPOTENCY_HEADER)
                if peer.delay:
                    time.sleep(peer.delay)
                with peer._lock:
                    new = key not in peer.ids
                    if new:
                        peer.ids[key] = f"gw-{len(peer.ids) + 1:06d}"
                        peer.delivered[key] = json.loads(body)
                    message_id = peer.ids[key]
                if new:
                    peer._arrived(peer.delivered[key], message_id)
                self._answer(200, {"message_id": message_id})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer((LOOPBACK, port or 0), Handler)
        self.port = self._server.server_address[1]
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def _arrived(self, payload: dict, message_id: str) -> None:
        notice = "title" in payload  # the app webhook names a title; the SMS gateway never does
        self._inbox.put(Received(
            "app_push" if notice else "sms", str(payload.get("to", "")),
            str(payload.get("body" if notice else "text", "")), message_id,
            subject=str(payload.get("title", "")), sender=str(payload.get("from", "")),
        ))

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/send"

    def take_new(self) -> list[Received]:
        """The messages delivered since the last call (a repeated key delivers nothing), oldest first."""
        return self._inbox.take()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
