"""`arrears worker`: send the outbox's due attempts through the configured channels.

With no outbox configuration at all it sends to the local peers (`arrears peers`), and says so."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path


def _positive(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        value = -1
    if value <= 0:
        raise argparse.ArgumentTypeError(f"须为正数：{text!r} / must be a positive number: {text!r}")
    return value


def register(subparsers) -> None:
    parser = subparsers.add_parser("worker", help="发送发件箱中到期的消息 / send the outbox's due messages")
    parser.add_argument("--config", type=Path, help="发件箱配置 / outbox configuration (YAML; default ARREARS_OUTBOX_CONFIG, "
                        "else var/outbox.yaml, else the local peers of arrears peers)")
    parser.add_argument("--until-idle", action="store_true", help="无待发消息时退出 / stop when nothing is left to send")
    parser.add_argument("--max-seconds", type=_positive, help="最长运行秒数 / stop after this many seconds")
    parser.add_argument("--batch", type=int, default=50, help="每次领取条数 / attempts claimed at a time")
    parser.add_argument("--lease-seconds", type=_positive, default=60.0, help="租约秒数 / lease on claimed attempts")
    parser.add_argument("--listen-seconds", type=float, default=0.0,
                        help="结束前等待回执和回复的秒数 / wait this long for receipts and replies before stopping")
    parser.set_defaults(handler=run)


def local_notice(addresses, letters: Path, expected: Path) -> str:
    """What a worker without a configuration tells the person who started it."""
    zh, en = addresses.described(letters)
    return (
        f"未找到发件箱配置 {expected}：消息将发往本机模拟对端（{zh}）。"
        f"在另一个终端运行 arrears peers 可看到收到的消息；正式配置请写入 {expected}，"
        f"或用 ARREARS_OUTBOX_CONFIG 指定文件（见 docs/outbox.md）。\n"
        f"No outbox configuration at {expected}: sending to the local peers ({en}). "
        f"Run arrears peers in another terminal to see what arrives; put a real configuration in {expected} "
        f"or name its file with ARREARS_OUTBOX_CONFIG (see docs/outbox.md)."
    )


def run(args) -> int:
    from arrears.outbox.config import config_path
    from arrears.secret import require_secret

    require_secret()  # messages carry signed unsubscribe links
    from arrears.outbox.local import configured_or_local, letters_directory
    from arrears.outbox.worker import Worker

    config, local = configured_or_local(args.config)
    if local is not None:
        print(local_notice(local, letters_directory(), config_path()), file=sys.stderr, flush=True)
    worker = Worker(config, batch=max(1, args.batch), lease=dt.timedelta(seconds=args.lease_seconds))
    tally = worker.run(until_idle=args.until_idle, max_seconds=args.max_seconds, listen_seconds=args.listen_seconds)
    print(tally.line())
    return 0
