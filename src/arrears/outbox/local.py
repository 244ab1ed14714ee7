"""The outbox on this machine: where the local peers listen, a configuration that sends to them, and
the peers themselves, started in this process for a simulator or a test.

    ARREARS_PEERS_SMPP_PORT   the SMSC (SMPP 3.4)                        default 2775
    ARREARS_PEERS_SMTP_PORT   the mail server (SMTP)                     default 8025
    ARREARS_PEERS_PUSH_PORT   the app's push API (signed HTTP webhook)   default 8026
    letters                   PDFs under var/print (ARREARS_VAR/print)

all on 127.0.0.1. `arrears peers` listens there; `arrears worker` sends there when no outbox
configuration exists (`configured_or_local`).

    with start_local_peers() as peers:           # on free ports
        Worker(peers.config).run(until_idle=True)
        for message in peers.take_new():          # what arrived since the last call
            print(message.channel, message.to, message.text, message.message_id)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from arrears.channels.local_peers import LOOPBACK, HttpProvider, Received, SmppPeer, SmtpPeer
from arrears.errors import ConfigurationError
from arrears.outbox.config import OutboxConfig, config_path, load_config, parse_config

# Both ends of the push webhook run on this machine; the secret guards nothing and is public.
LOCAL_SECRET = "arrears-local-peers"
LOCAL_SOURCE = "<local peers>"
PORT_VARIABLES = {
    "smpp_port": "ARREARS_PEERS_SMPP_PORT",
    "smtp_port": "ARREARS_PEERS_SMTP_PORT",
    "push_port": "ARREARS_PEERS_PUSH_PORT",
}


@dataclass(frozen=True, kw_only=True)
class LocalAddresses:
    """The loopback ports of the local peers: the SMSC, the mail server and the push API."""

    smpp_port: int = 2775
    smtp_port: int = 8025
    push_port: int = 8026

    def __post_init__(self) -> None:
        for item in fields(self):
            port = getattr(self, item.name)
            if not isinstance(port, int) or not 0 < port < 65536:
                variable = PORT_VARIABLES[item.name]
                raise ConfigurationError(f"{variable} 须为 1–65535 的端口号，不是 {port!r}",
                                         f"{variable} must be a port number 1–65535, not {port!r}")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> LocalAddresses:
        """The defaults, each replaced by its ARREARS_PEERS_*_PORT variable when set."""
        environ = os.environ if environ is None else environ
        ports = {}
        for name, variable in PORT_VARIABLES.items():
            text = (environ.get(variable) or "").strip()
            if text:
                try:
                    ports[name] = int(text)
                except ValueError:
                    raise ConfigurationError(f"{variable} 须为端口号，不是 {text!r}",
                                             f"{variable} must be a port number, not {text!r}") from None
        return cls(**ports)

    @property
    def push_url(self) -> str:
        return f"http://{LOOPBACK}:{self.push_port}/push"

    def described(self, letters: Path) -> tuple[str, str]:
        """Where each channel goes, in zh-Hans and in English."""
        return (
            f"短信 SMPP {LOOPBACK}:{self.smpp_port}，邮件 SMTP {LOOPBACK}:{self.smtp_port}，"
            f"App 推送 {self.push_url}，信函写入 {letters}",
            f"SMS over SMPP {LOOPBACK}:{self.smpp_port}, email over SMTP {LOOPBACK}:{self.smtp_port}, "
            f"app push to {self.push_url}, letters to {letters}",
        )


def letters_directory() -> Path:
    """Where the local configuration writes letters: var/print."""
    from django.conf import settings

    return Path(settings.VAR_DIR) / "print"


def local_config(addresses: LocalAddresses, *, letters: Path | None = None) -> OutboxConfig:
    """An outbox configuration sending every channel to the local peers at `addresses`, letters to
    `letters` (default var/print)."""
    printing = {"kind": "letter"} | ({"directory": str(letters)} if letters is not None else {})
    return parse_config({
        "channels": {"sms": {"provider": "smsc"}, "email": {"provider": "mail"}, "app_push": {"provider": "push"},
                     "letter": {"provider": "print"}},
        "providers": {
            "smsc": {"kind": "smpp", "host": LOOPBACK, "port": addresses.smpp_port, "system_id": "arrears",
                     "password": "local", "source_addr": "10690000"},
            "mail": {"kind": "smtp", "host": LOOPBACK, "port": addresses.smtp_port,
                     "sender": "催收中心 <notice@arrears.localhost>", "domain": "arrears.localhost"},
            "push": {"kind": "webhook", "url": addresses.push_url, "secret": LOCAL_SECRET},
            "print": printing,
        },
    }, source=LOCAL_SOURCE)


def configured_or_local(path: Path | None = None) -> tuple[OutboxConfig, LocalAddresses | None]:
    """The worker's configuration, and the local peers' addresses when it is theirs.

    A file named by `path` or ARREARS_OUTBOX_CONFIG must exist (a mistyped name is an error, never a
    quiet switch to the local peers); with neither, var/outbox.yaml when it exists, else the local
    peers' configuration."""
    if path is not None or os.environ.get("ARREARS_OUTBOX_CONFIG") or config_path().exists():
        return load_config(path), None
    addresses = LocalAddresses.from_environment()
    return local_config(addresses), addresses


@dataclass
class LocalPeers:
    """The local peers running in this process, and an outbox configuration that sends to them.

    smsc: the SMSC (`reply(sender, text)` sends a borrower's answer to every bound worker).
    smtp: the mail server.
    push: the app's push API.
    """

    smsc: SmppPeer
    smtp: SmtpPeer
    push: HttpProvider
    addresses: LocalAddresses
    config: OutboxConfig

    def take_new(self) -> list[Received]:
        """What every peer received since the last call, oldest first."""
        arrived = self.smsc.take_new() + self.smtp.take_new() + self.push.take_new()
        return sorted(arrived, key=lambda message: message.at)

    def stop(self) -> None:
        for peer in (self.smsc, self.smtp, self.push):
            peer.stop()

    def __enter__(self) -> LocalPeers:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def start_local_peers(addresses: LocalAddresses | None = None, *, letters: Path | None = None) -> LocalPeers:
    """Start the SMSC, the mail server and the push API on `addresses` (None: free ports) and return
    them with a configuration that sends to them, letters to `letters` (default var/print).

    A port that cannot be listened on is a ConfigurationError naming its variable; the peers already
    started are stopped again."""
    starting = (
        ("smpp_port", SmppPeer()),
        ("smtp_port", SmtpPeer()),
        ("push_port", HttpProvider(secret=LOCAL_SECRET)),
    )
    started = []
    for name, peer in starting:
        port = getattr(addresses, name) if addresses else None
        try:
            peer.start(port)
        except OSError as error:
            for running in started:
                running.stop()
            port, variable = port or getattr(peer, "port", 0), PORT_VARIABLES[name]
            raise ConfigurationError(
                f"本机模拟对端无法在 {LOOPBACK}:{port} 监听（{error}）：端口已被占用？可用 {variable} 换一个端口",
                f"a local peer cannot listen on {LOOPBACK}:{port} ({error}): is the port taken? "
                f"{variable} chooses another",
            ) from None
        started.append(peer)
    smsc, smtp, push = started
    running = LocalAddresses(smpp_port=smsc.port, smtp_port=smtp.port, push_port=push.port)
    return LocalPeers(smsc=smsc, smtp=smtp, push=push, addresses=running, config=local_config(running, letters=letters))
