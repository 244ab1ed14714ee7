"""`arrears migrate`: create or update the database schema."""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser("migrate", help="创建或升级数据库 / create or upgrade the database")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from django.conf import settings
    from django.core.management import call_command

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    print("数据库已就绪 / database ready")
    return 0
