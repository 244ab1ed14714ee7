"""`arrears generate`: write a synthetic loan book as import feeds.

    arrears generate --loans 20000 --seed 7 [--start 2026-01-01] [--days 120] [--out var/book] [--profile us-regf]
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from arrears.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="生成模拟贷款数据 / generate a synthetic loan book",
        description="生成模拟贷款与还款文件（Parquet）/ write synthetic loans and payments as Parquet feeds",
    )
    # Options are read as text and checked here, so that a bad value gets a bilingual message.
    parser.add_argument("--loans", required=True, metavar="N", help="贷款笔数 / number of loans")
    parser.add_argument("--seed", required=True, metavar="S", help="随机种子 / random seed (same seed, same book)")
    parser.add_argument("--start", default="2026-01-01", metavar="DATE", help="起始日期 / start date (2026-01-01)")
    parser.add_argument("--days", default="120", metavar="D", help="模拟天数 / days simulated after the start (120)")
    parser.add_argument("--out", default="var/book", metavar="DIR", help="输出目录 / output directory (var/book)")
    parser.add_argument("--profile", default="cn", choices=("cn", "us-regf"),
                        help="cn：中国借款人（人民币）；us-regf：美国借款人（美元）/ "
                             "cn: Chinese borrowers in yuan; us-regf: US borrowers in dollars (cn)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from arrears.simulate import BookOptions

    options = BookOptions(
        loans=_whole_number(args.loans, "--loans", "贷款笔数"),
        seed=_whole_number(args.seed, "--seed", "随机种子"),
        start=_date(args.start),
        days=_whole_number(args.days, "--days", "模拟天数"),
        profile=getattr(args, "profile", "cn"),
    )
    began = time.perf_counter()
    tally, writer = _write_book(options, Path(args.out))
    elapsed = time.perf_counter() - began

    mix = ", ".join(f"{behaviour.name.lower()} {count / tally.loans:.1%}" for behaviour, count in tally.behaviours.items())
    print(f"贷款 / loans         {tally.loans:>12,}  {writer.loans_path}  ({_size(writer.loans_path)})")
    print(f"还款 / payments      {tally.payments:>12,}  {writer.payments_path}  ({_size(writer.payments_path)})")
    print(f"  其中冲正 / reversals {tally.reversals:>10,}")
    print(f"借款人 / borrowers   {tally.borrowers:>12,}")
    print(f"还款行为 / behaviour mix by loan: {mix}")
    print(f"放款日期 / start dates {options.earliest_start} … {options.horizon_end} (种子 / seed {options.seed})")
    print(f"用时 / took {elapsed:.1f} s")
    return 0


@dataclass
class _Tally:
    loans: int = 0
    payments: int = 0
    reversals: int = 0
    borrowers: int = 0
    behaviours: dict = field(default_factory=dict)

    def add(self, chunk) -> None:
        self.loans += chunk.loans.num_rows
        self.payments += chunk.payments.num_rows
        self.reversals += chunk.payments.num_rows - chunk.payments["reverses"].null_count
        self.borrowers += chunk.borrowers
        for behaviour in self.behaviours:
            self.behaviours[behaviour] += int((chunk.behaviour == behaviour).sum())


def _write_book(options, out: Path):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from arrears.simulate import BEHAVIOUR_SHARES, BookWriter, iter_book

    tally = _Tally(behaviours=dict.fromkeys(BEHAVIOUR_SHARES, 0))
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),  # the bar on stderr leaves stdout to the report
        transient=True,
    )
    try:
        with progress, BookWriter(out) as writer:
            task = progress.add_task("生成 / generating", total=options.loans)
            for chunk in iter_book(options):
                writer.write(chunk)
                tally.add(chunk)
                progress.advance(task, chunk.loans.num_rows)
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError(f"无法写入 {out}：{reason}", f"cannot write the book to {out}: {reason}") from error
    return tally, writer


def _whole_number(text: str, option: str, name_zh: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InputError(f"{option}：{name_zh}应为整数，收到 {text!r}", f"{option} must be a whole number, got {text!r}") from None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"--start：日期格式应为 YYYY-MM-DD，收到 {text!r}", f"--start must be a date as YYYY-MM-DD, got {text!r}"
        ) from None


def _size(path: Path) -> str:
    size = path.stat().st_size
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
