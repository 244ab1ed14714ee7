"""`arrears plan --as-of DATE`: the day's actions under the strategy in force, through the guard."""

from __future__ import annotations

from arrears.commands._options import iso_date


def register(subparsers) -> None:
    parser = subparsers.add_parser("plan", help="生成当日催收动作并合规检查 / plan the day's actions through the guard")
    parser.add_argument("--as-of", type=iso_date, required=True, help="业务日期 / business date")
    parser.add_argument("--profile", default=None, help="合规辖区（默认 ARREARS_PROFILE 或 cn）/ jurisdiction profile (default ARREARS_PROFILE or cn)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from arrears.strategy.service import run_plan

    print(run_plan(args.as_of, profile_name=args.profile).summary())
    return 0
