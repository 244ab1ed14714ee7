"""The record of the last nights, for `arrears nightly status` and the admin's page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from arrears.nightly.steps import STEPS


@dataclass(frozen=True)
class StepLine:
    name: str
    title_zh: str
    title_en: str
    state: str  # done, failed, running, waiting (not started)
    seconds: float
    peak_memory_mb: int
    counts: dict
    tries: int
    error_zh: str
    error_en: str


@dataclass(frozen=True)
class NightLine:
    as_of: dt.date
    started_at: dt.datetime
    finished_at: dt.datetime | None
    steps: tuple[StepLine, ...]

    @property
    def state(self) -> str:
        if self.finished_at is not None:
            return "done"
        states = {step.state for step in self.steps}
        return "failed" if "failed" in states else "running"


def recent_nights(*, as_of: dt.date | None = None, count: int = 7) -> list[NightLine]:
    from arrears.nightly.models import NightlyRun

    runs = NightlyRun.objects.prefetch_related("steps").order_by("-as_of")
    if as_of is not None:
        runs = runs.filter(as_of=as_of)
    lines = []
    for run in runs[:count]:
        recorded = {step.name: step for step in run.steps.all()}
        steps = []
        for step in STEPS:
            row = recorded.get(step.name)
            steps.append(StepLine(
                step.name, step.title_zh, step.title_en, row.state if row else "waiting",
                row.seconds if row else 0.0, row.peak_memory_mb if row else 0, row.counts if row else {},
                row.tries if row else 0, row.error_zh if row else "", row.error_en if row else "",
            ))
        lines.append(NightLine(run.as_of, run.started_at, run.finished_at, tuple(steps)))
    return lines


STATE_WORDS = {"done": "完成 done", "failed": "失败 failed", "running": "未完成 unfinished", "waiting": "未运行 not run"}


def status_lines(*, as_of: dt.date | None = None, nights: int = 7) -> list[str]:
    shown = recent_nights(as_of=as_of, count=nights)
    if not shown:
        return ["尚无夜间任务记录 / no night has run yet"]
    lines = []
    for night in shown:
        lines.append(f"{night.as_of}  {STATE_WORDS[night.state]}")
        for step in night.steps:
            counts = ", ".join(f"{k} {v}" for k, v in step.counts.items())
            line = f"  {step.name:<9} {STATE_WORDS[step.state]:<18} {step.seconds:7.1f} s {step.peak_memory_mb:6d} MiB  {counts}"
            lines.append(line.rstrip())
            if step.state == "failed":
                lines.append(f"    原因：{step.error_zh}")
                lines.append(f"    why: {step.error_en}")
    return lines
