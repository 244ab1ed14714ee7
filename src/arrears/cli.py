"""The `arrears` command.

    arrears migrate
    arrears import loans FILE
    arrears cycle --as-of 2026-03-01
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
import traceback
from pathlib import Path

from arrears.errors import ArrearsError


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arrears.settings")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    import arrears.commands as commands

    parser = argparse.ArgumentParser(prog="arrears", description="arrears — 催收平台 collections platform")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"arrears.commands.{module_info.name}")
        module.register(subparsers)
    return parser




def _report_crash(error: BaseException) -> int:
    from django.conf import settings

    log_dir = Path(settings.VAR_DIR) / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / "arrears.log"
    with log_file.open("a", encoding="utf-8") as log:
        log.write("".join(traceback.format_exception(error)))
    print(
        f"内部错误：{type(error).__name__}: {error}。详情见 {log_file}\n"
        f"Internal error: {type(error).__name__}: {error}. Details in {log_file}",
        file=sys.stderr,
    )
    return 70


def main(argv: list[str] | None = None) -> int:
    from django.core.exceptions import ImproperlyConfigured

    try:
        setup_django()
    except ImproperlyConfigured as error:  # a malformed ARREARS_… variable: its message is bilingual
        print(error, file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.WARNING)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    from arrears.audit import acting_as

    try:
        with acting_as(f"cli:{args.command}"):
            return int(args.handler(args) or 0)
    except ArrearsError as error:
        print(error.bilingual(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the last line of defence: people never see a traceback
        return _report_crash(error)


if __name__ == "__main__":
    sys.exit(main())
