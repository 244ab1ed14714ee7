"""Printed letters: one PDF per attempt in the day's print-house batch directory, with a manifest.

    var/print/2026-03-01/<digest>.pdf
    var/print/2026-03-01/manifest.csv      key, file, recipient, address, sha256, written_at

A PDF is written to a temporary name and renamed into place, so a file under its final name is
complete; the file's name comes from the attempt's key, so writing again after a crash replaces
nothing and adds no second letter to the batch.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from arrears.channels._base import Message, PermanentError, Receipt, Reconciled, Reply, Sent, TransientError
from arrears.spreadsheet import SafeWriter

MANIFEST_FIELDS = ("key", "file", "recipient", "address", "sha256", "written_at")


@dataclass
class LetterChannel:
    name: str
    directory: Path
    render_pdf: Callable[[Message], bytes]
    channel: str = "letter"
    idempotent: bool = True

    def batch_directory(self, message: Message) -> Path:
        batch = message.extra.get("batch") or dt.datetime.now(dt.UTC).date().isoformat()
        return Path(self.directory) / str(batch)

    def _path(self, message: Message) -> Path:
        return self.batch_directory(message) / f"{message.digest}.pdf"

    def send(self, message: Message) -> Sent:
        path = self._path(message)
        if path.exists():  # written before a crash: make sure the manifest lists it, write nothing twice
            return Sent(provider_message_id=self.reconcile(message).provider_message_id)
        try:
            pdf = self.render_pdf(message)
        except Exception as error:  # noqa: BLE001 - a letter that cannot be made is refused, with the cause
            raise PermanentError(f"{self.name}: the letter could not be made: {error}") from error
        if not pdf.startswith(b"%PDF"):
            raise PermanentError(f"{self.name}: the letter renderer returned something that is not a PDF")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".pdf.part")
            temporary.write_bytes(pdf)
            os.replace(temporary, path)
            self._append_manifest(path, message, pdf)
        except OSError as error:
            raise TransientError(f"{self.name}: cannot write to {path.parent}: {error}") from error
        return Sent(provider_message_id=path.name)

    def _append_manifest(self, path: Path, message: Message, pdf: bytes) -> None:
        manifest = path.parent / "manifest.csv"
        with manifest.open("a", newline="", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # several workers may write one batch
            writer = SafeWriter(handle)
            if handle.tell() == 0:
                writer.writerow(MANIFEST_FIELDS)
            writer.writerow(
                [message.key, path.name, message.extra.get("recipient", ""), message.to,
                 hashlib.sha256(pdf).hexdigest(), dt.datetime.now(dt.UTC).isoformat(timespec="seconds")]
            )

    def reconcile(self, message: Message) -> Reconciled:
        path = self._path(message)
        if not path.exists():
            return Reconciled(sent=False)
        manifest = path.parent / "manifest.csv"
        listed = manifest.exists() and message.key in manifest.read_text(encoding="utf-8")
        if not listed:
            self._append_manifest(path, message, path.read_bytes())
        return Reconciled(sent=True, provider_message_id=path.name)

    def poll_inbound(self) -> list[Receipt | Reply]:
        return []

    def close(self) -> None:
        pass
