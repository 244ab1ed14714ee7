"""`arrears holds …`: list a loan's holds, place one, release one — as the operator, through the same service.

    arrears holds list L-1001
    arrears holds place L-1001 bankruptcy --reason "法院受理破产申请 / court accepted the petition" [--until 2026-09-01]
    arrears holds release 12 --reason "破产程序终结 / proceedings closed"

LOAN is the loan's external id. An end date is a day in the lender's zone: the hold stops binding at
00:00 that day. Holds placed here are recorded with the source "cli" and no person.
"""

from __future__ import annotations

import datetime as dt

from arrears import clock
from arrears.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("holds", help="账户暂停：列出、设置、解除 / account holds: list, place, release")
    actions = parser.add_subparsers(dest="holds_action", metavar="ACTION")
    listing = actions.add_parser("list", help="列出贷款的暂停 / list a loan's holds")
    listing.add_argument("loan", help="贷款编号 / the loan's external id")
    listing.set_defaults(handler=run_list)
    placing = actions.add_parser("place", help="设置暂停 / place a hold")
    placing.add_argument("loan", help="贷款编号 / the loan's external id")
    placing.add_argument("kind", help="暂停类型 / kind: dispute_open, cease_contact, complaint_review, bankruptcy, "
                                      "deceased, legal_hold")
    placing.add_argument("--reason", default="", help="原因（必填）/ reason (required)")
    placing.add_argument("--until", default=None,
                         help="结束日期 YYYY-MM-DD，当日 00:00（贷款机构时区）起不再生效 / end date: stops at 00:00 that day, "
                              "the lender's time")
    placing.set_defaults(handler=run_place)
    releasing = actions.add_parser("release", help="解除暂停 / release a hold")
    releasing.add_argument("hold", help="暂停编号 / the hold's id")
    releasing.add_argument("--reason", default="", help="原因（必填）/ reason (required)")
    releasing.set_defaults(handler=run_release)
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)


def _loan(external_id: str):
    from arrears.ledger.models import Loan

    loan = Loan.objects.filter(external_id=external_id).first()
    if loan is None:
        raise InputError(f"找不到贷款 {external_id}", f"no loan {external_id!r}")
    return loan


def _local(instant: dt.datetime | None) -> str:
    return "—" if instant is None else instant.astimezone(clock.lender_zone()).isoformat(timespec="minutes")


def _end_of(text: str | None) -> dt.datetime | None:
    """00:00 of the given day in the lender's zone, as a UTC instant."""
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"日期格式应为 YYYY-MM-DD：{text!r}", f"a date must look like YYYY-MM-DD: {text!r}") from None
    if day <= clock.today():
        raise InputError(
            f"结束日期须晚于今天（{clock.today()}）：暂停在该日 00:00 结束",
            f"The end date must be after today ({clock.today()}): a hold ends at 00:00 on that day",
        )
    return clock.at_local(day, dt.time(0))


def _describe(line) -> tuple[str, str]:
    hold = line.hold
    placed_by = hold.placed_by.get_username() if hold.placed_by else "—"
    until_zh = _local(hold.until) if hold.until else "直至解除"
    until_en = _local(hold.until) if hold.until else "until released"
    zh = (f"#{hold.pk} {line.kind_zh}（{line.state_zh}）{_local(hold.since)} 至 {until_zh}；原因：{hold.reason or '—'}；"
          f"设置途径：{line.source_zh}，设置人：{placed_by}")
    en = (f"#{hold.pk} {line.kind_en} ({line.state_en}) {_local(hold.since)} to {until_en}; reason: {hold.reason or '—'}; "
          f"placed through {line.source_en} by {placed_by}")
    if hold.released_at:
        released_by = hold.released_by.get_username() if hold.released_by else "—"
        zh += f"；{_local(hold.released_at)} 由 {released_by} 解除，原因：{hold.release_reason}"
        en += f"; released at {_local(hold.released_at)} by {released_by}, because: {hold.release_reason}"
    return zh, en


def run_list(args) -> int:
    from arrears.cases.hold_lines import hold_lines

    loan = _loan(args.loan)
    lines = hold_lines(loan.pk)
    if not lines:
        print(f"贷款 {loan.external_id} 没有暂停\nLoan {loan.external_id} has no holds")
        return 0
    for line in lines:
        zh, en = _describe(line)
        print(f"{zh}\n{en}")
    return 0


def run_place(args) -> int:
    from arrears.cases.hold_lines import line_of
    from arrears.cases.holds import place_hold

    loan = _loan(args.loan)
    hold = place_hold(loan_id=loan.pk, kind=args.kind, reason=args.reason, until=_end_of(args.until), source="cli")
    zh, en = _describe(line_of(hold))
    print(f"已设置暂停 {zh}\nPlaced hold {en}")
    return 0


def run_release(args) -> int:
    from arrears.cases.hold_lines import line_of
    from arrears.cases.holds import release_hold

    try:
        hold_id = int(args.hold)
    except ValueError:
        raise InputError(f"暂停编号应为数字：{args.hold!r}", f"a hold's id is a number: {args.hold!r}") from None
    hold = release_hold(hold_id, reason=args.reason)
    zh, en = _describe(line_of(hold))
    print(f"已解除暂停 {zh}\nReleased hold {en}")
    return 0
