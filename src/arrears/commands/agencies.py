"""`arrears agencies …`: place the plan's agency cases, end expired placements, recall, commission statements.

    arrears agencies place --as-of 2026-04-09
    arrears agencies expire --as-of 2026-05-09
    arrears agencies recall LOAN-ID --reason "投诉 / complaint"
    arrears agencies statement --agency 91310000MA1FL00001 --month 2026-04 [--csv FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt

from arrears import clock
from arrears.commands._options import iso_date


def month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise argparse.ArgumentTypeError(f"月份格式应为 YYYY-MM：{text!r} / a month must look like YYYY-MM: {text!r}") from None


def register(subparsers) -> None:
    parser = subparsers.add_parser("agencies", help="委外机构：委案、收回、佣金 / agencies: placements, recalls, commission")
    commands = parser.add_subparsers(dest="agencies_command", metavar="ACTION")
    placing = commands.add_parser("place", help="把当日计划中的委外案件分配给机构 / place the day's agency-pool cases")
    placing.add_argument("--as-of", type=iso_date, required=True, help="业务日期 / business date")
    placing.add_argument("--profile", default=None, help="合规辖区（默认 ARREARS_PROFILE 或 cn）/ jurisdiction profile (default ARREARS_PROFILE or cn)")
    placing.add_argument("--challenger-share", type=int, default=20, help="挑战者组比例 %% / challenger arm share (0–100)")
    placing.set_defaults(handler=run_place)
    expiring = commands.add_parser("expire", help="收回到期及合同终止的委案 / end expired placements (nightly)")
    expiring.add_argument("--as-of", type=iso_date, required=True, help="业务日期 / business date")
    expiring.set_defaults(handler=run_expire)
    recalling = commands.add_parser("recall", help="手动收回一个案件 / recall a case by hand")
    recalling.add_argument("loan", help="贷款编号 / loan external id")
    recalling.add_argument("--reason", required=True, help="原因 / reason")
    recalling.set_defaults(handler=run_recall)
    statement = commands.add_parser("statement", help="机构月度佣金对账单 / an agency's monthly commission statement")
    statement.add_argument("--agency", required=True, help="统一社会信用代码 / the agency's unified social credit code")
    statement.add_argument("--month", type=month, required=True, help="YYYY-MM")
    statement.add_argument("--csv", help="写出 CSV 文件 / write the statement as CSV to this file")
    statement.set_defaults(handler=run_statement)
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)


def run_place(args) -> int:
    from arrears.agencies.placing import place
    from arrears.errors import InputError

    if not 0 <= args.challenger_share <= 100:
        raise InputError("挑战者组比例须在 0 到 100 之间", "The challenger share must be 0 to 100")
    print(place(args.as_of, profile_name=args.profile, challenger_share=args.challenger_share).summary())
    return 0


def run_expire(args) -> int:

    from arrears.agencies.placing import end_placements

    ended = end_placements(args.as_of, now=clock.now())
    print(f"{args.as_of}：到期 {ended['expired']} 件，收回 {ended['recalled']} 件\n"
          f"{args.as_of}: {ended['expired']} expired, {ended['recalled']} recalled")
    return 0


def run_recall(args) -> int:
    from arrears.agencies.models import OPEN_STATES, Placement
    from arrears.agencies.placing import recall
    from arrears.errors import InputError

    placement = Placement.objects.filter(loan__external_id=args.loan, state__in=OPEN_STATES).first()
    if placement is None:
        raise InputError(f"贷款 {args.loan} 没有进行中的委案", f"Loan {args.loan} has no open placement")
    recall(placement, reason=args.reason, by=None)
    print(f"已收回 {args.loan}（{placement.agency}）\nRecalled {args.loan} from {placement.agency}")
    return 0


def run_statement(args) -> int:
    from pathlib import Path

    from arrears.agencies.models import Agency
    from arrears.agencies.statements import build_statement, statement_csv
    from arrears.errors import InputError
    from arrears.money import format_yuan

    agency = Agency.objects.filter(credit_code=args.agency).first()
    if agency is None:
        raise InputError(f"找不到机构 {args.agency}", f"No agency with the credit code {args.agency}")
    statement = build_statement(agency, args.month)
    if args.csv:
        Path(args.csv).write_text(statement_csv(statement), encoding="utf-8")
    print(
        f"{agency.name} {args.month:%Y-%m}：{len(statement.lines)} 件，回收 {format_yuan(statement.recovered)}，"
        f"佣金 {format_yuan(statement.commission)}\n"
        f"{agency.name_en or agency.name} {args.month:%Y-%m}: {len(statement.lines)} placements, recovered "
        f"{format_yuan(statement.recovered)}, commission {format_yuan(statement.commission)}"
    )
    return 0
