"""`arrears simulate`: a synthetic lender, its people, agencies and borrowers, through N days and nights."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from arrears.commands._options import iso_date
from arrears.errors import InputError

DEFAULT_LOANS = 3_000


def register(subparsers) -> None:
    parser = subparsers.add_parser("simulate", help="模拟：借款人应答、催收员、机构、外访，逐夜运行 / simulate days of collection")
    parser.add_argument("--days", type=int, required=True, help="模拟天数 / days simulated")
    parser.add_argument("--loans", type=int, default=DEFAULT_LOANS, help=f"贷款笔数 / loans ({DEFAULT_LOANS})")
    parser.add_argument("--seed", type=int, default=7, help="随机种子 / seed (7)")
    parser.add_argument("--last-day", type=iso_date, help="最后一个模拟日 / the last day simulated (yesterday)")
    parser.add_argument("--params", type=Path, help="应答率与成本参数文件 / response rates and costs (YAML)")
    parser.add_argument("--json", type=Path, help="报告 JSON 输出路径 / where to write the report as JSON")
    parser.add_argument("--profile", choices=("cn", "us-regf"),
                        help="辖区：cn 为中国借款人（人民币），us-regf 为美国借款人（美元）/ "
                             "the book and the rules: cn, Chinese borrowers in yuan; us-regf, US borrowers in dollars "
                             "(default: the lender's ARREARS_PROFILE)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from django.conf import settings

    from arrears import clock
    from arrears.commands import migrate
    from arrears.demo import DEMO_PASSWORD
    from arrears.simulate.run import SimulationOptions, simulate

    from arrears.compliance.lender import lender_profile_name

    profile = use_profile(getattr(args, "profile", None))
    migrate.run(args)
    require_empty_book()
    options = SimulationOptions(
        loans=args.loans, days=args.days, seed=args.seed, directory=Path(settings.VAR_DIR) / "simulate",
        last_day=args.last_day or clock.today() - dt.timedelta(days=1), params_path=args.params,
        profile=profile or lender_profile_name(),
    )
    outcome = simulate(options, password=DEMO_PASSWORD, say=lambda line: print(line, flush=True))
    print(outcome.report.text())
    path = args.json or Path(settings.VAR_DIR) / "simulate" / "report.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(outcome.report.as_json(), encoding="utf-8")
    print(f"报告 / report: {path}")
    return 0 if outcome.report.violations == 0 else 3


def use_profile(profile: str | None) -> str | None:
    """Put the lender under `profile` for this command (the guard, the notices, the feeds all ask there);
    a US lender's pages open in English (a reader's browser may still ask for Chinese)."""
    from django.conf import settings

    if profile:
        settings.ARREARS_PROFILE = profile
        settings.LANGUAGE_CODE = "en" if profile.startswith("us") else "zh-hans"
    return profile


def require_empty_book() -> None:
    from arrears.ledger.models import Loan

    if Loan.objects.exists():
        raise InputError(
            "模拟需要一个空的数据库：请用新的 ARREARS_VAR 目录或 DATABASE_URL",
            "the simulation needs an empty database: point ARREARS_VAR or DATABASE_URL somewhere new",
        )
