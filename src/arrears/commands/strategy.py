"""`arrears strategy load FILE --active-from DATE` and `arrears strategy list`."""

from __future__ import annotations

from pathlib import Path

from arrears.commands._options import iso_date
from arrears.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("strategy", help="催收策略版本 / strategy versions")
    actions = parser.add_subparsers(dest="strategy_action", metavar="ACTION")
    load = actions.add_parser("load", help="校验并保存新版本 / validate and store a new version")
    load.add_argument("file", type=Path)
    load.add_argument("--active-from", type=iso_date, required=True, help="生效日期 / first day in force")
    load.set_defaults(handler=run_load)
    listing = actions.add_parser("list", help="列出版本 / list versions")
    listing.set_defaults(handler=run_list)


def run_load(args) -> int:
    from arrears.strategy.versions import store_version

    try:
        document = args.file.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"无法读取 {args.file}：{error.strerror}", f"cannot read {args.file}: {error.strerror}") from None
    stored = store_version(document, args.active_from)
    print(f"已保存 {stored}，{stored.active_from} 起生效 / stored {stored}, in force from {stored.active_from}")
    return 0


def run_list(args) -> int:
    from arrears.strategy.models import StrategyVersion

    versions = StrategyVersion.objects.order_by("-active_from", "-version")
    if not versions:
        print("尚无保存的版本，使用内置默认策略 / no stored version; the shipped default is in force")
    for version in versions:
        print(f"{version.name} v{version.version}  {version.active_from}")
    return 0
