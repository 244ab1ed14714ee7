"""`arrears visits screen --as-of DATE`: the day's planned visit reviews become visits awaiting approval."""

from __future__ import annotations

from arrears.commands._options import iso_date


def register(subparsers) -> None:
    parser = subparsers.add_parser("visits", help="上门催收 / field visits")
    steps = parser.add_subparsers(dest="visits_command", metavar="STEP", required=True)
    screen = steps.add_parser("screen", help="将当日上门审查转为待审批上门 / turn the day's visit reviews into visits for approval")
    screen.add_argument("--as-of", type=iso_date, required=True, help="业务日期（已运行 plan）/ business date (planned)")
    screen.set_defaults(handler=run_screen)


def run_screen(args) -> int:
    from arrears.visits.services import screen

    print(screen(args.as_of).summary())
    return 0
