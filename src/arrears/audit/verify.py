"""Checking the stored log: every link, the head, and every signed checkpoint.

    report = verify()
    report.ok, report.problem        # the first broken link, or None
"""

from __future__ import annotations

from dataclasses import dataclass

from arrears.audit.chain import Break, ChainWalker, Entry

CHUNK = 5_000


@dataclass(frozen=True)
class Report:
    entries: int
    checkpoints: int
    problem: Break | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def stored_entries(chunk: int = CHUNK):
    """The log in number order, read a chunk at a time by keyset (never the whole table at once)."""
    from arrears.audit.models import AuditEntry

    after = None
    while True:
        rows = AuditEntry.objects.order_by("seq")
        if after is not None:
            rows = rows.filter(seq__gt=after)
        batch = list(rows.values_list("seq", "at", "kind", "actor", "subject", "detail", "prev_hash", "hash")[:chunk])
        if not batch:
            return
        yield [Entry(*row) for row in batch]
        after = batch[-1][0]


def verify(*, with_checkpoints: bool = True) -> Report:
    from arrears.audit.checkpoints import read_checkpoints
    from arrears.audit.models import AuditEntry, AuditHead

    walker = ChainWalker()
    count = 0
    for batch in stored_entries():
        count += len(batch)
        if walker.feed(batch) is not None:
            break
    head = AuditHead.objects.filter(id=1).values_list("seq", "hash").first()
    problem = walker.finish(head)
    checkpoints = read_checkpoints() if with_checkpoints else []
    if problem is None:
        for checkpoint in checkpoints:
            problem = _against(checkpoint, AuditEntry)
            if problem is not None:
                break
    return Report(count, len(checkpoints), problem)


def _against(checkpoint, AuditEntry) -> Break | None:
    name = checkpoint.path.name
    if not checkpoint.signature_ok:
        return Break(max(checkpoint.seq, 0), "checkpoint_signature", f"检查点 {name} 的签名无效或无法验证",
                     f"checkpoint {name} has no valid signature (or no key to check it)")
    if checkpoint.seq == 0:
        return None
    stored = AuditEntry.objects.filter(seq=checkpoint.seq).values_list("hash", flat=True).first()
    if stored is None:
        return Break(checkpoint.seq, "checkpoint_missing", f"检查点 {name} 签过的第 {checkpoint.seq} 条已不在日志中",
                     f"entry {checkpoint.seq}, signed by checkpoint {name}, is no longer in the log")
    if stored != checkpoint.hash:
        return Break(checkpoint.seq, "checkpoint_hash",
                     f"第 {checkpoint.seq} 条的哈希与检查点 {name} 不符：日志在此之前被改写并重算",
                     f"entry {checkpoint.seq} no longer has the hash checkpoint {name} signed: "
                     "the log was rewritten and its hashes recomputed")
    return None
