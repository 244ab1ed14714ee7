"""Writing a book to Parquet, chunk by chunk, so that a million loans never sit in memory at once.

The files appear under their final names only when the whole book is written: a run that fails
or is interrupted leaves no half-written loans.parquet behind for an import to pick up.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import pyarrow.parquet as pq

from arrears.simulate.book import LOANS_SCHEMA, PAYMENTS_SCHEMA, BookChunk

LOANS_FILE = "loans.parquet"
PAYMENTS_FILE = "payments.parquet"
COMPRESSION = "zstd"


class BookWriter:
    """    with BookWriter(Path("var/book")) as writer:
            for chunk in iter_book(options):
                writer.write(chunk)
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.loans_path = self.directory / LOANS_FILE
        self.payments_path = self.directory / PAYMENTS_FILE
        self._partial = {path: path.with_name(path.name + ".partial") for path in (self.loans_path, self.payments_path)}
        self._loans: pq.ParquetWriter | None = None
        self._payments: pq.ParquetWriter | None = None

    def __repr__(self) -> str:
        return f"BookWriter({str(self.directory)!r})"

    def __enter__(self) -> BookWriter:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._loans = pq.ParquetWriter(self._partial[self.loans_path], LOANS_SCHEMA, compression=COMPRESSION)
        self._payments = pq.ParquetWriter(self._partial[self.payments_path], PAYMENTS_SCHEMA, compression=COMPRESSION)
        return self

    def write(self, chunk: BookChunk) -> None:
        if self._loans is None or self._payments is None:
            raise RuntimeError("BookWriter.write outside its `with` block")
        self._loans.write_table(chunk.loans)
        self._payments.write_table(chunk.payments)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        for writer in (self._loans, self._payments):
            if writer is not None:
                writer.close()
        self._loans = self._payments = None
        for final, partial in self._partial.items():
            if kind is None:
                os.replace(partial, final)
            else:
                partial.unlink(missing_ok=True)
