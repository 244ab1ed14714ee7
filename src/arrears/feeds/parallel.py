"""Per-item Python work spread over worker processes when there is enough of it (no Django here).

Two steps of a large import are unavoidably one Python call per item: encrypting a
national ID (Fernet) and computing a distinct schedule. On a million rows each takes
tens of seconds on one core, so large batches go to a pool of worker processes.

Workers are forked (Linux only; elsewhere the work stays in this process). Spawned
workers would re-import the caller's main module, which re-runs any script that
calls an import without an `if __name__ == "__main__"` guard. The forked workers only
run pure functions on what they are handed and leave through os._exit, so the
database connections they inherit are never used or closed by them.

    tokens = [token for chunk in map_in_chunks(encrypt_all, numbers, progress=progress) for token in chunk]
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

PARALLEL_FROM = 50_000
"""Below this many items one process is quicker than starting workers."""
CHUNK = 25_000


def worker_count() -> int:
    return max(1, min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def map_in_chunks(
    function: Callable[[Sequence[Item]], Result],
    items: Sequence[Item],
    *,
    progress=None,
    parallel_from: int | None = None,
) -> list[Result]:
    """`function` applied to consecutive chunks of `items`: its results, one per chunk, in order.

    `function` must be a module-level callable (or a functools.partial of one) so workers can
    receive it.
    """
    chunks = [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]
    workers = worker_count()
    results: list[Result] = []
    threshold = PARALLEL_FROM if parallel_from is None else parallel_from
    if len(items) < threshold or workers < 2 or not sys.platform.startswith("linux"):
        for chunk in chunks:
            results.append(function(chunk))
            _advance(progress, len(chunk))
        return results
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=context) as pool:
        for chunk, done in zip(chunks, pool.map(function, chunks), strict=True):
            results.append(done)
            _advance(progress, len(chunk))
    return results


def _advance(progress, amount: int) -> None:
    if progress is not None:
        progress.advance(amount)
