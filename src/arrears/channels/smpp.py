"""SMS over SMPP 3.4 (smpplib), one bound transceiver session kept open between messages.

Each message asks for a delivery receipt (registered_delivery). The SMSC's receipts and the
borrowers' replies come back as deliver_sm on the same session and are collected by
`poll_inbound`. SMPP has no idempotency key: a submit_sm whose response was lost is uncertain
and is held for review, never resubmitted.

A long text goes as a concatenated SMS (UDH); the first part's message id names the message.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.gsm

from arrears import clock
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
from arrears.channels.replies import DELIVERED_STATES, parse_smpp_receipt

RETRY_STATUSES = frozenset({0x08, 0x14, 0x58, 0x64, 0xFF})  # RSYSERR, RMSGQFUL, RTHROTTLED, RTAPPN, RUNKNOWNERR
RECEIPT_ESM = 0x04  # esm_class bit: this deliver_sm is an SMSC delivery receipt


def _text(pdu) -> str:
    raw = pdu.short_message or b""
    if isinstance(raw, str):
        return raw
    if pdu.data_coding == smpplib.consts.SMPP_ENCODING_ISO10646:
        return raw.decode("utf-16-be", errors="replace")
    return raw.decode("latin-1" if pdu.data_coding == smpplib.consts.SMPP_ENCODING_ISO88591 else "utf-8", errors="replace")


def _id(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


_UNBIND_READS = 20
"""PDUs read after an unbind while waiting for its answer. One that came before the answer (a late
receipt) is not acknowledged, so the SMSC delivers it again on the next session."""


@dataclass
class SmppChannel:
    name: str
    host: str
    port: int
    system_id: str
    password: str
    source_addr: str = ""
    timeout: float = 10.0
    channel: str = "sms"
    idempotent: bool = False
    _client: smpplib.client.Client | None = field(default=None, init=False, repr=False)
    _inbound: list = field(default_factory=list, init=False, repr=False)
    _responses: dict = field(default_factory=dict, init=False, repr=False)

    def _bound(self) -> smpplib.client.Client:
        if self._client is not None:
            return self._client
        client = smpplib.client.Client(self.host, self.port, timeout=self.timeout, allow_unknown_opt_params=True)
        client.set_message_received_handler(self._received)
        client.set_message_sent_handler(self._responded)
        client.set_error_pdu_handler(self._responded)
        try:
            client.connect()
            client.bind_transceiver(system_id=self.system_id, password=self.password)
        except (OSError, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError) as error:
            try:
                client.disconnect()
            except Exception:  # noqa: BLE001 - already failing; the bind error is the one to report
                pass
            raise TransientError(f"{self.name}: cannot bind to {self.host}:{self.port}: {error}") from error
        self._client = client
        return client

    def _responded(self, pdu, **_kwargs) -> None:
        self._responses[pdu.sequence] = pdu

    def _received(self, pdu, **_kwargs):
        text = _text(pdu)
        now = clock.now()  # the product's moment: a simulated day hears a reply when it happens there
        if pdu.esm_class & RECEIPT_ESM:
            parsed = parse_smpp_receipt(text)
            receipted = _id(getattr(pdu, "receipted_message_id", None) or "")
            if parsed or receipted:
                message_id, state = parsed or (receipted, "")
                self._inbound.append(
                    Receipt(self.name, receipted or message_id, state in DELIVERED_STATES, now, detail=state)
                )
            return None
        self._inbound.append(Reply(self.name, self.channel, _id(pdu.source_addr), text, now))
        return None

    def send(self, message: Message) -> Sent:
        client = self._bound()
        parts, coding, esm_class = smpplib.gsm.make_parts(message.body)
        first_id = ""
        for index, part in enumerate(parts):
            try:
                pdu = client.send_message(
                    source_addr_ton=smpplib.consts.SMPP_TON_ALNUM if self.source_addr and not self.source_addr.isdigit()
                    else smpplib.consts.SMPP_TON_INTL,
                    source_addr=self.source_addr,
                    dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
                    destination_addr=message.to,
                    short_message=part,
                    data_coding=coding,
                    esm_class=esm_class,
                    registered_delivery=True,
                )
            except (OSError, smpplib.exceptions.ConnectionError) as error:
                self._drop()
                if index == 0:  # the submit never left: nothing can have been delivered
                    raise TransientError(f"{self.name}: the session failed before submit_sm: {error}") from error
                raise UncertainError(f"{self.name}: the session failed after part {index}: {error}") from error
            response = self._await_response(pdu.sequence)
            status = response.status
            if status != smpplib.consts.SMPP_ESME_ROK:
                if index > 0:
                    raise UncertainError(f"{self.name}: part {index + 1} refused (status {status:#x}) after part 1 went")
                failure = f"{self.name}: submit_sm refused with status {status:#x}"
                raise (TransientError if status in RETRY_STATUSES else PermanentError)(failure)
            if index == 0:
                first_id = _id(response.message_id)
        return Sent(provider_message_id=first_id)

    def send_many(self, messages: list[Message], *, window: int = 100) -> list[Sent | ChannelError]:
        """Send `messages` in order on the one bind, with up to `window` submit_sm outstanding; each
        message's Sent, or the error `send` would have raised for it. A submit_sm_resp is matched to
        its message by sequence number. When the session is lost, what was outstanding is uncertain;
        the rest go on a new bind. A long (concatenated) message goes alone, part after part, as `send`
        sends it."""
        results: list[Sent | ChannelError | None] = [None] * len(messages)
        outstanding: dict[int, int] = {}  # sequence -> index of its message
        for index, message in enumerate(messages):
            parts, coding, esm_class = smpplib.gsm.make_parts(message.body)
            if len(parts) > 1:
                self._collect(outstanding, results, until=0)
                results[index] = self._sent_or_error(message)
                continue
            for _try in range(2):  # a submit that never left may go again on a new bind, once
                self._collect(outstanding, results, until=max(0, window - 1))
                try:
                    client = self._bound()
                except TransientError as error:
                    results[index] = error
                    break
                try:
                    pdu = client.send_message(**self._submit(message, parts[0], coding, esm_class))
                except (OSError, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError) as error:
                    self._lose(outstanding, results, error)
                    self._drop()
                    results[index] = TransientError(f"{self.name}: the session failed before submit_sm: {error}")
                    continue
                outstanding[pdu.sequence] = index
                results[index] = None
                break
        self._collect(outstanding, results, until=0)
        return results

    def _sent_or_error(self, message: Message) -> Sent | ChannelError:
        try:
            return self.send(message)
        except (TransientError, PermanentError, UncertainError) as error:
            return error

    def _submit(self, message: Message, part, coding, esm_class) -> dict:
        return dict(
            source_addr_ton=smpplib.consts.SMPP_TON_ALNUM if self.source_addr and not self.source_addr.isdigit()
            else smpplib.consts.SMPP_TON_INTL,
            source_addr=self.source_addr,
            dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
            destination_addr=message.to,
            short_message=part,
            data_coding=coding,
            esm_class=esm_class,
            registered_delivery=True,
        )

    def _collect(self, outstanding: dict[int, int], results: list, *, until: int) -> None:
        """Read answers until at most `until` submit_sm are outstanding; a lost session makes the
        rest uncertain."""
        while len(outstanding) > until:
            for sequence in [s for s in outstanding if s in self._responses]:
                response = self._responses.pop(sequence)
                results[outstanding.pop(sequence)] = self._answered(response)
            if len(outstanding) <= until:
                return
            try:
                self._client.read_once(auto_send_enquire_link=False)
            except (OSError, socket.timeout, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError) as error:
                for sequence in [s for s in outstanding if s in self._responses]:
                    results[outstanding.pop(sequence)] = self._answered(self._responses.pop(sequence))
                self._lose(outstanding, results, error)
                self._drop()
                return

    def _answered(self, response) -> Sent | ChannelError:
        status = response.status
        if status != smpplib.consts.SMPP_ESME_ROK:
            failure = f"{self.name}: submit_sm refused with status {status:#x}"
            return (TransientError if status in RETRY_STATUSES else PermanentError)(failure)
        return Sent(provider_message_id=_id(response.message_id))

    def _lose(self, outstanding: dict[int, int], results: list, error) -> None:
        for index in outstanding.values():
            results[index] = UncertainError(f"{self.name}: no answer to submit_sm: {error}")
        outstanding.clear()

    def _await_response(self, sequence: int):
        client = self._client
        try:
            while sequence not in self._responses:
                client.read_once(auto_send_enquire_link=False)
        except (OSError, socket.timeout, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError) as error:
            if sequence in self._responses:
                return self._responses.pop(sequence)
            self._drop()
            raise UncertainError(f"{self.name}: no answer to submit_sm: {error}") from error
        return self._responses.pop(sequence)

    def reconcile(self, message: Message) -> Reconciled:
        return Reconciled(sent=None)

    def poll_inbound(self) -> list[Receipt | Reply]:
        if self._client is not None:
            try:
                self._client.poll(auto_send_enquire_link=False)
            except (OSError, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError):
                self._drop()
        inbound, self._inbound = self._inbound, []
        return inbound

    def listen(self, seconds: float) -> list[Receipt | Reply]:
        """Wait up to `seconds` for receipts and replies (binding if needed)."""
        import select
        import time

        client = self._bound()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            readable, _w, _x = select.select([client._socket], [], [], max(0.0, deadline - time.monotonic()))
            if not readable:
                break
            try:
                client.read_once(auto_send_enquire_link=False)
            except (OSError, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError):
                self._drop()
                break
        return self.poll_inbound()

    def _drop(self) -> None:
        client, self._client = self._client, None
        self._responses.clear()  # answers of a lost session name sequences a new bind reuses
        if client is not None:
            try:
                client.disconnect()
            except Exception:  # noqa: BLE001 - closing a broken socket
                pass

    def close(self) -> None:
        if self._client is not None:
            try:
                response = self._client.unbind()
                for _ in range(_UNBIND_READS):  # a receipt or a reply may arrive before the answer
                    if getattr(response, "command", None) == "unbind_resp":
                        # smpplib reads the answer to an unbind but leaves the session marked bound
                        self._client.state = smpplib.consts.SMPP_CLIENT_STATE_OPEN
                        break
                    response = self._client.read_pdu()
            except smpplib.exceptions.ConnectionError:
                # asked to unbind, the SMSC closed the session instead of answering: it is over all the same
                self._client.state = smpplib.consts.SMPP_CLIENT_STATE_OPEN
            except Exception:  # noqa: BLE001 - the peer may already be gone
                pass
        self._drop()
