"""What one run of a feed file did, how it reports progress, and its FeedImport record.

    outcome = import_loans(path, progress=progress)
    print(outcome.summary())

Every importer opens its run the same way and closes it with its counts:

    raw, run = open_run(PAYMENTS, path, encoding, progress)   # read whole, or InputError
    ...                                                        # check and land the rows
    return run.close(rows_read=…, landed=…, updated=…, rejected=…, rejects_path=…)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from arrears.feeds.readers import file_digest, read_feed
from arrears.feeds.schemas import FeedSchema


class Progress(Protocol):
    """Where a long import reports how far it is; the command shows it as a progress bar."""

    def stage(self, zh: str, en: str, total: int | None = None) -> None:
        """A new step begins; `total` is its size in rows when known."""

    def advance(self, amount: int) -> None:
        """`amount` more rows of the current step are done."""


class Silent:
    """Progress that shows nothing: for tests and library use."""

    def stage(self, zh: str, en: str, total: int | None = None) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """The counts of one run; `rows_read` = landed + updated + unchanged + rejected.

    landed: rows that created a record (a new loan, a new payment).
    updated: rows that changed a record already held (loan, borrower or contact points).
    unchanged: rows already held exactly so, including repeats within the file.
    rejects_path: the rejects file written beside the input, None when no row was rejected.
    """

    kind: str
    source: Path
    digest: str
    rows_read: int
    landed: int
    updated: int
    unchanged: int
    rejected: int
    rejects_path: Path | None
    seconds: float

    def summary(self) -> str:
        rejects = str(self.rejects_path) if self.rejects_path else "—"
        return (
            f"{self.source}：读取 {self.rows_read} 行，新增 {self.landed}，更新 {self.updated}，"
            f"未变 {self.unchanged}，拒收 {self.rejected}；拒收文件：{rejects}（{self.seconds:.1f} 秒）\n"
            f"{self.source}: {self.rows_read} rows read, {self.landed} landed, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.rejected} rejected; rejects file: {rejects} ({self.seconds:.1f} s)"
        )


@dataclass(frozen=True, slots=True)
class OpenRun:
    """A run whose file was read as a whole and recorded as begun."""

    kind: str
    source: Path
    digest: str
    run_id: int
    began: float

    def close(self, *, rows_read: int, landed: int, updated: int, rejected: int, rejects_path: Path | None) -> FeedOutcome:
        """The run's outcome, recorded on its FeedImport; the rows left over were unchanged."""
        outcome = FeedOutcome(
            kind=self.kind,
            source=self.source,
            digest=self.digest,
            rows_read=rows_read,
            landed=landed,
            updated=updated,
            unchanged=rows_read - landed - updated - rejected,
            rejected=rejected,
            rejects_path=rejects_path,
            seconds=time.perf_counter() - self.began,
        )
        finish_run(self.run_id, outcome)
        return outcome


def open_run(schema: FeedSchema, path: Path | str, encoding: str, progress: Progress) -> tuple[pa.Table, OpenRun]:
    """Read the file whole (InputError, and no run recorded, when it cannot be) and begin its run."""
    began = time.perf_counter()
    source = Path(path).resolve()
    progress.stage("读取文件", "reading the file")
    raw = read_feed(source, schema, encoding=encoding)
    digest = file_digest(source)
    return raw, OpenRun(schema.kind, source, digest, begin_run(schema.kind, source, digest), began)


def begin_run(kind: str, source: Path, digest: str) -> int:
    """A FeedImport row for a run whose file could be read; its id."""
    from arrears.ledger.models import FeedImport

    return FeedImport.objects.create(kind=kind, source=str(source)[:500], digest=digest).pk


def finish_run(run_id: int, outcome: FeedOutcome) -> None:
    """Record the counts; rows_landed counts every row that created or changed a record."""
    from django.utils import timezone

    from arrears.ledger.models import FeedImport

    FeedImport.objects.filter(pk=run_id).update(
        rows_read=outcome.rows_read,
        rows_landed=outcome.landed + outcome.updated,
        rows_rejected=outcome.rejected,
        rejects_path=str(outcome.rejects_path or "")[:500],
        finished_at=timezone.now(),
    )
