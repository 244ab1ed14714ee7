"""A rich progress bar for the import commands: one line per step, rows counted where known."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class RichProgress:
    """Shows each step of an import on standard error; nothing when that is not a terminal."""

    def __init__(self) -> None:
        console = Console(stderr=True)
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self._task = None
        self._total: int | None = None

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._finish_current()
        self._bar.stop()

    def stage(self, zh: str, en: str, total: int | None = None) -> None:
        self._finish_current()
        self._task = self._bar.add_task(f"{zh} / {en}", total=total)
        self._total = total

    def advance(self, amount: int) -> None:
        if self._task is not None:
            self._bar.advance(self._task, amount)

    def _finish_current(self) -> None:
        if self._task is not None:
            total = self._total if self._total is not None else 1
            self._bar.update(self._task, total=total, completed=total)
