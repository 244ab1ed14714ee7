"""The steps of a night, in the order they run. Each takes the business day and the night's
options and returns its counts; each is safe to run again for the same day.

    feeds      the day's files from the core system, dialer and SMS platform: loans, payments, scores, contacts
    cycle      every account aged to the end of the day; collection cases opened and closed
    judge      promises to pay and repayment plans that fell due judged kept or broken
    plan       the strategy's actions for the work day, each judged by the compliance guard
    outbox     the allowed messages and letters become attempts for the worker to send
    agencies   placements that ended come back; the agency pool's cases are placed by contract
    visits     the planned visit reviews become visits awaiting approval
    legal      the planned legal reviews become reviews awaiting a legal officer
    credit     on the lender's reporting day, the credit report file (cn: D1 records; us-regf: Metro 2)
    queue      the in-house work queue ordered by the night's plan, scores and states
    complaints complaints and disputes past their deadline at the end of the day raise an alert
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from arrears.errors import InputError

FEED_KINDS = ("loans", "payments", "scores", "contacts")  # imported in this order: a payment needs its loan
FEED_SUFFIXES = (".csv", ".parquet", ".jsonl", ".ndjson")


@dataclass(frozen=True, kw_only=True)
class NightOptions:
    """feeds_dir: where the day's files wait, one folder per business day (`<dir>/2026-03-01/payments.csv`);
    None: the night imports nothing. engine: the cycle's engine. profile: the compliance profile (default:
    the lender's, from the environment). full: the cycle ages every loan from its start (the monthly or
    after-migration night) instead of carrying the states of the night before."""

    feeds_dir: Path | None = None
    engine: str = "duckdb"
    profile: str | None = None
    full: bool = False  # age every loan from its start instead of carrying last night's states


@dataclass(frozen=True)
class Step:
    name: str
    title_zh: str
    title_en: str
    run: Callable[[dt.date, NightOptions], dict]


def day_files(feeds_dir: Path | None, as_of: dt.date) -> list[tuple[str, Path]]:
    """The day's feed files as (kind, path), loans first; a file is named for its kind (`payments.csv`,
    `payments-bank.parquet`). A file in the day's folder that names no kind is refused, not ignored."""
    if feeds_dir is None:
        return []
    folder = Path(feeds_dir) / as_of.isoformat()
    if not folder.is_dir():
        return []
    found: list[tuple[str, Path]] = []
    for path in sorted(folder.iterdir()):
        if path.is_dir() or path.name.startswith(".") or path.name.endswith(".rejects.csv"):
            continue
        kind = next((k for k in FEED_KINDS if path.name.startswith(k)), None)
        if kind is None or path.suffix.lower() not in FEED_SUFFIXES:
            raise InputError(
                f"{folder} 中的文件 {path.name} 不是可识别的数据文件（应以 {'、'.join(FEED_KINDS)} 开头，"
                f"扩展名为 {'、'.join(FEED_SUFFIXES)}）",
                f"{path.name} in {folder} is not a feed file this night knows (names start with "
                f"{', '.join(FEED_KINDS)}; suffixes {', '.join(FEED_SUFFIXES)})",
            )
        found.append((kind, path))
    return sorted(found, key=lambda item: (FEED_KINDS.index(item[0]), item[1].name))


IMPORTERS = {
    "loans": ("arrears.feeds.loans", "import_loans"),
    "payments": ("arrears.feeds.payments", "import_payments"),
    "scores": ("arrears.feeds.scores", "import_scores"),
    "contacts": ("arrears.feeds.contacts", "import_contacts"),
}


def _importer(kind: str) -> Callable:
    from importlib import import_module

    module, name = IMPORTERS[kind]
    return getattr(import_module(module), name)


def feeds(as_of: dt.date, options: NightOptions) -> dict:
    """Import the day's files. A file imported before lands nothing new, so a night run again adds nothing."""
    counts: dict[str, int] = {"files": 0}
    for kind, path in day_files(options.feeds_dir, as_of):
        outcome = _importer(kind)(path)
        counts["files"] += 1
        for name in ("landed", "updated", "rejected"):
            key = f"{kind}_{name}"
            counts[key] = counts.get(key, 0) + getattr(outcome, name)
    return counts


def cycle(as_of: dt.date, options: NightOptions) -> dict:
    from arrears.cycle.service import run_cycle

    run = run_cycle(as_of, engine=options.engine, full=options.full)
    from arrears.cases.models import CaseEvent

    events = CaseEvent.objects.filter(on_date=as_of)
    return {
        "accounts": run.accounts,
        **{f"cases_{kind}": events.filter(kind=kind).count() for kind in ("opened", "cured", "charged_off", "closed")},
    }


def judge(as_of: dt.date, options: NightOptions) -> dict:
    """Promises whose pay-by date was the day, and plans the day's states keep or break."""
    from arrears.plans.nightly import judge_plans
    from arrears.promises.judging import judge_promises_now
    from arrears.promises.models import Promise

    judge_promises_now(as_of)
    verdicts = judge_plans(as_of)
    judged = Promise.objects.filter(judged_on=as_of)
    return {
        **{f"promises_{state}": judged.filter(state=state).count() for state in ("kept", "partly_kept", "broken")},
        "plans_kept": len(verdicts.kept),
        "plans_broken": len(verdicts.reverted),
        "waivers_reversed": len(verdicts.waivers_reversed),
    }


def plan(as_of: dt.date, options: NightOptions) -> dict:
    from arrears.strategy.service import run_plan

    from arrears.intelligence.arm import optimise_day

    outcome = run_plan(as_of, profile_name=options.profile)
    return {
        "accounts": outcome.accounts, "actions": outcome.actions, "allowed": outcome.allowed,
        "blocked": outcome.blocked, **{f"blocked_{rule}": n for rule, n in sorted(outcome.blocks_by_rule.items())},
        **optimise_day(as_of).summary(),  # the optimised arm's calls, when the strategy has one
    }


def outbox(as_of: dt.date, options: NightOptions) -> dict:
    from arrears.outbox.enqueue import enqueue

    outcome = enqueue(as_of)
    return {"allowed_actions": outcome.allowed_actions, "added": outcome.added}


def agencies(as_of: dt.date, options: NightOptions) -> dict:
    from arrears.agencies.placing import place

    outcome = place(as_of, profile_name=options.profile)
    counts = {
        "candidates": outcome.candidates, "placed": outcome.placed, "awaiting_notice": outcome.awaiting_notice,
        "activated": outcome.activated, "expired": outcome.expired, "recalled": outcome.recalled,
    }
    if outcome.candidates and not outcome.placed and outcome.why_none:
        counts["why_none"] = outcome.why_none
    return counts


def visits(as_of: dt.date, options: NightOptions) -> dict:
    from arrears.visits.services import screen

    outcome = screen(as_of)
    return {"requested": outcome.requested, "created": outcome.created}


def legal(as_of: dt.date, options: NightOptions) -> dict:
    from arrears.legal.intake import take_in

    return take_in(as_of)


def credit(as_of: dt.date, options: NightOptions) -> dict:
    from django.conf import settings

    from arrears.compliance.lender import lender_profile
    from arrears.credit.reporting import nightly_report

    return nightly_report(as_of, directory=Path(settings.VAR_DIR) / "credit", profile=lender_profile(options.profile))


def queue(as_of: dt.date, options: NightOptions) -> dict:
    from arrears.cases.models import CollectionCase
    from arrears.workbench.queue import ensure_fresh

    ensure_fresh()
    return {"in_queue": CollectionCase.objects.filter(in_queue=True, closed_on__isnull=True).count()}


def complaints(as_of: dt.date, options: NightOptions) -> dict:
    """What is still undecided at the end of `as_of` is overdue the next morning: each overdue
    complaint is alerted once (a rerun finds it marked), and the counts are the same every time."""
    from arrears.disputes.services import overdue_complaints, overdue_disputes, raise_overdue_alert

    morning = as_of + dt.timedelta(days=1)
    raise_overdue_alert(morning)
    return {"overdue_complaints": overdue_complaints(morning).count(), "overdue_disputes": overdue_disputes(morning).count()}


STEPS: tuple[Step, ...] = (
    Step("feeds", "数据接入", "feeds in", feeds),
    Step("cycle", "账龄计算", "cycle", cycle),
    Step("judge", "承诺与还款计划评判", "promises and plans judged", judge),
    Step("plan", "策略计划与合规检查", "plan and guard", plan),
    Step("outbox", "发件箱入队", "outbox enqueue", outbox),
    Step("agencies", "委外分案与收回", "agency placement and recall", agencies),
    Step("visits", "上门审查", "visit screening", visits),
    Step("legal", "法务审查入案", "legal review intake", legal),
    Step("credit", "征信报送", "credit report", credit),
    Step("queue", "工作队列刷新", "work queue refresh", queue),
    Step("complaints", "逾期投诉与争议报警", "overdue complaints alert", complaints),
)
STEP_NAMES = tuple(step.name for step in STEPS)
