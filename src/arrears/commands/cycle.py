"""`arrears cycle`: age the book for one day (--as-of) or day by day over a range (--from/--to)."""

from __future__ import annotations

from arrears.commands._options import iso_date
from arrears.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("cycle", help="夜间账龄计算 / run the nightly cycle")
    parser.add_argument("--as-of", type=iso_date, help="业务日期 / the business date to age to")
    parser.add_argument("--from", dest="first", type=iso_date, help="回补起始日 / first day of a backfill")
    parser.add_argument("--to", dest="last", type=iso_date, help="回补结束日 / last day of a backfill")
    parser.add_argument("--engine", choices=["duckdb", "postgres", "spark"], default="duckdb", help="计算引擎 / engine")
    parser.add_argument("--full", action="store_true",
                        help="每笔贷款从头计算账龄，不承接前一晚 / age every loan from its start, not from last night's state")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from rich.progress import Progress

    from arrears.cycle.service import run_cycle, run_cycles

    if args.as_of and (args.first or args.last):
        raise InputError("--as-of 不能与 --from/--to 同用", "use either --as-of or --from/--to, not both")
    if args.as_of:
        report(run_cycle(args.as_of, engine=args.engine, full=args.full))
        return 0
    if not (args.first and args.last):
        raise InputError("请给出 --as-of，或同时给出 --from 和 --to", "give --as-of, or both --from and --to")
    days = (args.last - args.first).days + 1
    with Progress() as progress:
        task = progress.add_task("夜间账龄 nightly cycle", total=max(days, 0))
        run_cycles(args.first, args.last, engine=args.engine, full=args.full,
                   on_day=lambda _day, _run: progress.advance(task))
    print(f"已完成 {days} 天 / {days} days aged, {args.first} → {args.last}")
    return 0


def report(run) -> None:
    seconds = ", ".join(f"{name} {value}" for name, value in run.stage_seconds.items())
    print(f"{run.as_of}: {run.accounts} 个账户已计算 / accounts aged ({run.engine}; {seconds})")
