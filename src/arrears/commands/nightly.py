"""`arrears nightly`: the whole day in order (feeds, cycle, judging, plan, outbox, agencies, visits,
legal review, queue), for one day or night by night over a range; `arrears nightly status` shows them;
`arrears nightly digest` prints a digest of each product table, to compare two runs of the same nights."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from arrears.commands._options import iso_date
from arrears.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("nightly", help="夜间任务：接入、账龄、计划、发送、委外、上门、法务、队列 / run the night")
    parser.add_argument("what", nargs="?", choices=["run", "status", "digest"], default="run",
                        help="run（默认）、status 或 digest（各表摘要）/ run (default), status, or digest (of each table)")
    parser.add_argument("--as-of", type=iso_date, help="业务日期 / the business day whose night to run")
    parser.add_argument("--from", dest="first", type=iso_date, help="补跑起始日 / first night of a backfill")
    parser.add_argument("--to", dest="last", type=iso_date, help="补跑结束日 / last night of a backfill")
    parser.add_argument("--feeds", type=Path, help="每日数据文件目录 / the folder of each day's feed files (<dir>/<date>/…)")
    parser.add_argument("--engine", choices=["duckdb", "postgres", "spark"], default="duckdb", help="账龄计算引擎 / cycle engine")
    parser.add_argument("--full", action="store_true",
                        help="每笔贷款从头计算账龄，不承接前一晚 / age every loan from its start, not from last night's state")
    parser.add_argument("--last", dest="nights", type=int, default=7, help="status：显示最近几晚 / status: nights shown (7)")
    parser.add_argument("--json", action="store_true", help="digest：以 JSON 输出 / digest: print JSON")
    parser.set_defaults(handler=run)


def run(args) -> int:
    if args.what == "status":
        return status(args)
    if args.what == "digest":
        return digest(args)
    from arrears.nightly.runner import feeds_dir_from_settings, run_night, run_nights
    from arrears.nightly.steps import NightOptions
    from arrears.secret import require_secret

    require_secret()  # a night encrypts national IDs and enqueues signed links

    if args.as_of and (args.first or args.last):
        raise InputError("--as-of 不能与 --from/--to 同用", "use either --as-of or --from/--to, not both")
    if args.feeds is not None and not args.feeds.is_dir():
        raise InputError(f"找不到数据文件目录：{args.feeds}", f"no such folder of feed files: {args.feeds}")
    options = NightOptions(feeds_dir=args.feeds or feeds_dir_from_settings(), engine=args.engine, full=args.full)
    if args.as_of:
        print(run_night(args.as_of, options, on_step=_progress(args.as_of)).summary())
        return 0
    if not (args.first and args.last):
        raise InputError("请给出 --as-of，或同时给出 --from 和 --to", "give --as-of, or both --from and --to")
    total = (args.last - args.first).days + 1
    done = [0]

    def night_done(outcome) -> None:
        done[0] += 1
        print(f"[{done[0]}/{total}] {outcome.as_of} 完成 / done", flush=True)

    run_nights(args.first, args.last, options, on_night=night_done)
    print(f"已完成 {total} 晚 / {total} nights done, {args.first} → {args.last}")
    return 0


def _progress(as_of: dt.date):
    """One line per step as it finishes: readable in a terminal, a file and a CI log alike."""

    def printed(step, report) -> None:
        state = "跳过 skipped" if report.skipped else f"{report.seconds:.1f} s"
        print(f"  {as_of} {step.name:<9} {state}", file=sys.stderr, flush=True)

    return printed


def status(args) -> int:
    from arrears.nightly.status import status_lines

    print("\n".join(status_lines(as_of=args.as_of, nights=args.nights)))
    return 0


def digest(args) -> int:
    """One line per product table: its name, rows and SHA-256 (docs/nightly.md, "Reruns and resuming")."""
    import json

    from arrears.nightly.digest import digest_tables

    tables = digest_tables()
    if args.json:
        print(json.dumps({t.name: {"rows": t.rows, "sha256": t.sha256} for t in tables}, indent=1))
        return 0
    width = max(len(t.name) for t in tables)
    print("\n".join(t.line(width) for t in tables))
    return 0
