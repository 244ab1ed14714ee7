"""`arrears peers`: the local SMSC, mail server and push API in the foreground, printing each message
they receive, until interrupted (Ctrl-C or SIGTERM).

    arrears peers            # one terminal
    arrears worker           # another: with no outbox configuration it sends here
"""

from __future__ import annotations

import signal
import threading

CHANNEL_NAMES = {"sms": "短信 sms", "email": "邮件 email", "app_push": "推送 push"}
POLL_SECONDS = 0.2


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "peers", help="在本机运行短信、邮件和推送的模拟对端 / run the local SMS, email and push peers"
    )
    parser.set_defaults(handler=run)


def line(message) -> str:
    """One received message as printed: channel, recipient, the first line of its text."""
    return f"{CHANNEL_NAMES.get(message.channel, message.channel):<10} {message.to:<28} {message.first_line}"


def _print_new(peers) -> None:
    for message in peers.take_new():
        print(line(message), flush=True)


def run(args) -> int:
    from arrears.outbox.local import LocalAddresses, letters_directory, start_local_peers

    addresses = LocalAddresses.from_environment()
    peers = start_local_peers(addresses)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    zh, en = addresses.described(letters_directory())
    print(f"本机模拟对端已启动：{zh}。按 Ctrl-C 停止。\n"
          f"The local peers are listening: {en}. Ctrl-C stops them.", flush=True)
    try:
        while not stopping.wait(POLL_SECONDS):
            _print_new(peers)
    except KeyboardInterrupt:
        pass
    finally:
        peers.stop()
    _print_new(peers)
    print("本机模拟对端已停止 / the local peers have stopped", flush=True)
    return 0
