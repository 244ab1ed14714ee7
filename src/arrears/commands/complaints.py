"""`arrears complaints overdue`: the daily step that raises an alert for every complaint and dispute
past its deadline (logged to `arrears.alerts`, listed here); exit status 1 when there is any, so a
scheduler or the night's runner sees it.

    arrears complaints overdue [--date 2026-05-28]
"""

from __future__ import annotations

import datetime as dt

from arrears import clock
from arrears.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("complaints", help="投诉与争议 / complaints and disputes")
    actions = parser.add_subparsers(dest="complaints_action", metavar="ACTION")
    overdue = actions.add_parser("overdue", help="逾期未处理的投诉与争议报警 / alert on overdue complaints and disputes")
    overdue.add_argument("--date", default=None, help="业务日期 YYYY-MM-DD（默认今天）/ business date (default today)")
    overdue.set_defaults(handler=run_overdue)
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)


def run_overdue(args) -> int:
    from arrears.disputes.services import raise_overdue_alert

    try:
        day = dt.date.fromisoformat(args.date) if args.date else clock.today()
    except ValueError:
        raise InputError(f"日期格式应为 YYYY-MM-DD：{args.date}", f"The date must be YYYY-MM-DD: {args.date}") from None
    lines = raise_overdue_alert(day)
    if not lines:
        print(f"{day}：没有逾期的投诉或争议\n{day}: no overdue complaints or disputes")
        return 0
    for line in lines:
        print(f"报警 / ALERT {line}")
    return 1
