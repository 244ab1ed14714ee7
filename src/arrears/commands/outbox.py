"""`arrears outbox enqueue --as-of DATE` and `arrears outbox status`."""

from __future__ import annotations

from arrears.commands._options import iso_date


def register(subparsers) -> None:
    parser = subparsers.add_parser("outbox", help="发件箱 / the outbox")
    actions = parser.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    enqueue = actions.add_parser("enqueue", help="把当日放行的动作放入发件箱 / put the day's allowed actions in the outbox")
    enqueue.add_argument("--as-of", type=iso_date, required=True, help="业务日期 / business date")
    enqueue.set_defaults(handler=run_enqueue)
    status = actions.add_parser("status", help="发件箱状态与告警 / counts and alerts")
    status.set_defaults(handler=run_status)


def run_enqueue(args) -> int:
    from arrears.outbox.enqueue import enqueue

    print(enqueue(args.as_of).summary())
    return 0


def run_status(args) -> int:
    from arrears.outbox.status import outbox_status

    print("\n".join(outbox_status().lines()))
    return 0
