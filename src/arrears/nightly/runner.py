"""Running a night: the steps in order, each recorded, none before the one before it has finished.

    outcome = run_night(dt.date(2026, 3, 1), NightOptions(feeds_dir=Path("/data/inbox")))
    run_nights(first, last, options)                 # a backfill, night by night

A step that already finished for the day is skipped, so a night run again, or resumed after the
process was killed, carries on from the step that did not finish; each step is written to give the
same rows when it is run again (see its function in `steps.py`). A step that fails is recorded with
its reason in both languages, and the steps after it do not run that night: `NightFailed` says which
step and why, and the next night will not start until this one has finished.

While the steps run, the product's clock reads the night's instant (arrears.workday.night_instant):
what a night writes does not depend on the hour it happened to run at.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import close_old_connections

from arrears import clock
from arrears.errors import ArrearsError, InputError
from arrears.nightly.steps import STEPS, NightOptions, Step
from arrears.workday import night_instant



class NightFailed(ArrearsError):
    """A step of the night failed; the steps after it did not run."""

    def __init__(self, as_of: dt.date, step: Step, zh: str, en: str) -> None:
        super().__init__(
            f"{as_of} 的夜间任务在“{step.title_zh}”（{step.name}）一步失败，其后的步骤未运行：{zh}",
            f"the night of {as_of} failed at the step '{step.title_en}' ({step.name}); the steps after it did not run: {en}",
        )
        self.as_of = as_of
        self.step = step.name


@dataclass
class StepReport:
    name: str
    skipped: bool
    seconds: float = 0.0
    peak_memory_mb: int = 0
    counts: dict = field(default_factory=dict)


@dataclass
class NightOutcome:
    as_of: dt.date
    steps: list[StepReport]

    def summary(self) -> str:
        from arrears.nightly.steps import STEPS

        titles = {step.name: step for step in STEPS}
        lines_zh, lines_en = [f"{self.as_of} 夜间任务完成："], [f"the night of {self.as_of} is done:"]
        for report in self.steps:
            step = titles[report.name]
            if report.skipped:
                lines_zh.append(f"  {step.title_zh}：此前已完成，跳过")
                lines_en.append(f"  {step.title_en}: done before, skipped")
                continue
            counts = ", ".join(f"{k} {v}" for k, v in report.counts.items()) or "—"
            lines_zh.append(f"  {step.title_zh}：{report.seconds:.1f} 秒，{counts}")
            lines_en.append(f"  {step.title_en}: {report.seconds:.1f} s, {counts}")
        return "\n".join(lines_zh + lines_en)


def _wall_clock() -> dt.datetime:
    """The run's own record keeps real times: how long each step took, when it ran."""
    return dt.datetime.now(dt.UTC)


def _reset_peak_memory() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as handle:  # Linux: resets the high-water mark
            handle.write("5")
    except OSError:
        pass


def _peak_memory_mb() -> int:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def check_order(as_of: dt.date) -> None:
    """A night runs only once the night before it has finished (or as the first night of the book)."""
    from arrears.nightly.models import NightlyRun

    unfinished = NightlyRun.objects.filter(as_of__lt=as_of, finished_at__isnull=True).order_by("as_of").first()
    if unfinished is not None:
        raise InputError(
            f"{unfinished.as_of} 的夜间任务尚未完成，请先完成它：arrears nightly --as-of {unfinished.as_of}",
            f"the night of {unfinished.as_of} has not finished; finish it first: arrears nightly --as-of {unfinished.as_of}",
        )
    if not NightlyRun.objects.exists() or NightlyRun.objects.filter(as_of=as_of).exists():
        return
    before = as_of - dt.timedelta(days=1)
    if NightlyRun.objects.filter(as_of=before, finished_at__isnull=False).exists():
        return
    last = NightlyRun.objects.filter(finished_at__isnull=False).order_by("-as_of").values_list("as_of", flat=True).first()
    if last is not None and last > as_of:
        return  # a night before the last one, never run: allowed, it reads only what was true then
    first = (last or as_of) + dt.timedelta(days=1)
    raise InputError(
        f"{before} 的夜间任务尚未运行。请逐日补跑：arrears nightly --from {first} --to {as_of}",
        f"the night of {before} has not run. Run the nights in between: arrears nightly --from {first} --to {as_of}",
    )


def run_night(as_of: dt.date, options: NightOptions | None = None, *,
              on_step: Callable[[Step, StepReport], None] | None = None) -> NightOutcome:
    """Run the night of `as_of`; raises NightFailed (after recording it) when a step fails."""
    from arrears.nightly.models import NightlyRun

    options = options or NightOptions()
    check_order(as_of)
    run, _ = NightlyRun.objects.get_or_create(as_of=as_of, defaults={"started_at": _wall_clock()})
    reports = []
    with clock.set_to(night_instant(as_of)):
        for position, step in enumerate(STEPS, start=1):
            report = _run_step(run, position, step, as_of, options)
            reports.append(report)
            if on_step:
                on_step(step, report)
    if run.finished_at is None:
        run.finished_at = _wall_clock()
        run.save(update_fields=["finished_at"])
    return NightOutcome(as_of, reports)


def _run_step(run, position: int, step: Step, as_of: dt.date, options: NightOptions) -> StepReport:
    from arrears.nightly.models import NightlyStep, StepState

    record = NightlyStep.objects.filter(run=run, name=step.name).first()
    if record is not None and record.state == StepState.DONE:
        return StepReport(step.name, skipped=True, seconds=record.seconds, counts=record.counts)
    if record is None:
        record = NightlyStep(run=run, name=step.name, position=position)
    record.state, record.started_at, record.finished_at = StepState.RUNNING, _wall_clock(), None
    record.tries += 1
    record.error_zh = record.error_en = ""
    record.save()
    close_old_connections()
    _reset_peak_memory()
    started = time.perf_counter()
    try:
        counts = step.run(as_of, options)
    except ArrearsError as error:
        _failed(record, started, error.zh, error.en)
        raise NightFailed(as_of, step, error.zh, error.en) from error
    except Exception as error:  # recorded and reported in both languages; the traceback goes to the log
        _log_traceback(f"nightly step {step.name} of {as_of} failed")
        zh = f"内部错误 {type(error).__name__}: {error}"
        en = f"internal error {type(error).__name__}: {error}"
        _failed(record, started, zh, en)
        raise NightFailed(as_of, step, zh, en) from error
    _hold_if_asked(step, as_of)
    record.state, record.finished_at = StepState.DONE, _wall_clock()
    record.seconds = round(time.perf_counter() - started, 3)
    record.peak_memory_mb = _peak_memory_mb()
    record.counts = counts
    record.save()
    return StepReport(step.name, skipped=False, seconds=record.seconds, peak_memory_mb=record.peak_memory_mb,
                      counts=counts)


HOLD_AFTER = "ARREARS_NIGHTLY_HOLD_AFTER"
"""For tests that kill a night at a chosen point: `ARREARS_NIGHTLY_HOLD_AFTER=<step>` stops the process
for good once that step's work is done and before its record says so, after saying so on stderr; the
test kills it there (tests/e2e/test_nightly_resume.py). Unset in production: it does nothing."""


def _hold_if_asked(step: Step, as_of: dt.date) -> None:
    if os.environ.get(HOLD_AFTER) == step.name:
        print(f"held after {step.name} of {as_of}", file=sys.stderr, flush=True)
        while True:
            time.sleep(60)


def _log_traceback(title: str) -> None:
    """The details of an unexpected failure go to var/log/arrears.log, never to the person's screen."""
    from django.conf import settings

    log_dir = Path(settings.VAR_DIR) / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / "arrears.log").open("a", encoding="utf-8") as handle:
        handle.write(f"{_wall_clock().isoformat()} {title}\n{traceback.format_exc()}\n")


def _failed(record, started: float, zh: str, en: str) -> None:
    from arrears.nightly.models import StepState

    record.state, record.finished_at = StepState.FAILED, _wall_clock()
    record.seconds = round(time.perf_counter() - started, 3)
    record.error_zh, record.error_en = zh[:4000], en[:4000]
    record.save()


def run_nights(first: dt.date, last: dt.date, options: NightOptions | None = None, *,
               on_night: Callable[[NightOutcome], None] | None = None,
               on_step: Callable[[Step, StepReport], None] | None = None) -> list[NightOutcome]:
    """A backfill: each night from `first` to `last` in turn; the first failure stops it."""
    if last < first:
        raise InputError(f"结束日期 {last} 早于开始日期 {first}", f"--to {last} is before --from {first}")
    outcomes = []
    day = first
    while day <= last:
        outcome = run_night(day, options, on_step=on_step)
        outcomes.append(outcome)
        if on_night:
            on_night(outcome)
        day += dt.timedelta(days=1)
    return outcomes


def feeds_dir_from_settings() -> Path | None:
    from django.conf import settings

    value = getattr(settings, "ARREARS_FEEDS_DIR", None)
    return Path(value) if value else None
