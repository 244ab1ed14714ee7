"""Real local peers for the outbox's tests: an SMTP server (aiosmtpd), an SMSC (smpp34's SMPP 3.4
server), and an HTTP provider (the SMS gateway's or push service's cloud API, the one mocked edge)
that checks signatures and deduplicates by idempotency key, as such APIs do.

Each runs in a thread of the test process and records what it received; worker processes
started by a test talk to it over TCP.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from arrears.channels.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float = 20.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


# --- SMTP -------------------------------------------------------------------------------------


@dataclass
class SmtpPeer:
    delay: float = 0.0
    messages: list = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def start(self) -> SmtpPeer:
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def message_ids(self) -> Counter:
        with self._lock:
            return Counter(m["Message-ID"] for m in self.messages)


# --- SMPP -------------------------------------------------------------------------------------


@dataclass
class SmppPeer:
    """An SMSC: accepts every bind and submit_sm, answers with its own message ids, and sends an
    SMPP 3.4 delivery receipt (deliver_sm, esm_class 0x04) for each message after `receipt_delay`."""

    receipt_delay: float = 0.05
    receipts: bool = True
    submits: list = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> SmppPeer:
        import smpp34

        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._sessions: dict = {}
        self._ready = threading.Event()
        self._counter = 0

        async def serve():
            self._server = smpp34.Server(host="127.0.0.1", port=self.port, system_id="TESTSMSC")
            await self._server.start()
            self._ready.set()
            while True:
                event = await self._server.next()
                if isinstance(event, smpp34.Esme):
                    self._sessions[event.session_id] = event
                elif isinstance(event, smpp34.SubmitSmEvent):
                    self._counter += 1
                    message_id = f"smsc{self._counter:08d}"
                    with self._lock:
                        self.submits.append(
                            {"id": message_id, "to": event.destination_addr, "from": event.source_addr,
                             "coding": event.data_coding, "esm_class": event.esm_class, "body": bytes(event.short_message),
                             "registered_delivery": event.registered_delivery}
                        )
                    event.accept(message_id=message_id)
                    if self.receipts and event.registered_delivery:
                        asyncio.get_running_loop().create_task(self._receipt(event.session_id, message_id, event))
                elif isinstance(event, smpp34.Unbound):
                    self._sessions.pop(event.session_id, None)

        def run():
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(serve())

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    async def _receipt(self, session_id: str, message_id: str, event) -> None:
        await asyncio.sleep(self.receipt_delay)
        session = self._sessions.get(session_id)
        if session is None:
            return
        text = f"id:{message_id} sub:001 dlvrd:001 submit date:2603011000 done date:2603011000 stat:DELIVRD err:000"
        await session.deliver_sm(
            destination_addr=event.source_addr, source_addr=event.destination_addr, esm_class=0x04,
            short_message=text.encode(),
        )

    def reply(self, sender: str, text: str):
        """A borrower's reply (mobile-originated), pushed to every bound session; returns at once
        (the deliver_sm_resp comes when the client reads)."""

        async def push():
            for session in list(self._sessions.values()):
                await session.deliver_sm(destination_addr="10690000", source_addr=sender, data_coding=8,
                                         short_message=text.encode("utf-16-be"))

        return asyncio.run_coroutine_threadsafe(push(), self._loop)

    def texts(self) -> list[str]:
        with self._lock:
            return [s["body"].decode("utf-16-be") if s["coding"] == 8 else s["body"].decode("latin-1") for s in self.submits]

    def stop(self) -> None:
        async def halt():
            await self._server.stop()

        try:
            asyncio.run_coroutine_threadsafe(halt(), self._loop).result(5)
        except Exception:  # noqa: BLE001 - the loop ends with the process anyway
            pass


# --- the provider's HTTP API ------------------------------------------------------------------


@dataclass
class HttpProvider:
    """A gateway's cloud API: checks the signature, gives each new idempotency key a message id,
    answers a repeated key with the first id and delivers nothing again."""

    secret: str = "gateway-secret"
    delay: float = 0.0
    down: bool = False
    requests: list = field(default_factory=list)
    delivered: dict = field(default_factory=dict)  # key -> payload
    ids: dict = field(default_factory=dict)  # key -> message id
    refused_signatures: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> HttpProvider:
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
                    if key not in peer.ids:
                        peer.ids[key] = f"gw-{len(peer.ids) + 1:06d}"
                        peer.delivered[key] = json.loads(body)
                    message_id = peer.ids[key]
                self._answer(200, {"message_id": message_id})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.port = free_port()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/send"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def database_url() -> str:
    """The URL of the test database the running test uses, for worker processes it starts."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{settings.get('HOST') or '127.0.0.1'}:{settings.get('PORT') or 5432}/{settings['NAME']}"


def worker_env(config_path) -> dict:
    env = dict(os.environ)
    source = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    env.update({"DATABASE_URL": database_url(), "ARREARS_OUTBOX_CONFIG": str(config_path), "PYTHONPATH": source})
    return env


def daytime_zone() -> str:
    """A time zone where it is now about noon, so the guard's contact window is open whenever the
    test runs (the window is judged in the borrower's own zone)."""
    import datetime as dt

    offset = 12 - dt.datetime.now(dt.UTC).hour
    offset = offset - 24 if offset > 14 else offset + 24 if offset < -12 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def nighttime_zone() -> str:
    """A time zone where it is now about 03:00: inside every profile's quiet hours."""
    import datetime as dt

    offset = 3 - dt.datetime.now(dt.UTC).hour
    offset = offset - 24 if offset > 14 else offset + 24 if offset < -12 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"
