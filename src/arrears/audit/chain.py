"""The hash chain, in pure Python: how an entry is serialised and hashed, and how a chain is checked.

    link = entry_hash(previous_hash, seq, at, kind, actor, subject, detail)
    problem = first_break(entries, head=(seq, hash))     # None when every link holds

An entry's hash is SHA-256 over the previous entry's hash and a canonical serialisation of its own
fields (a compact JSON array, UTF-8), so changing, deleting or moving any entry breaks the link at
that entry or at the next one. Anyone who can write the database can recompute the whole chain;
signed checkpoints kept elsewhere (checkpoints.py) catch that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of entry 1


def canonical_detail(detail: Mapping[str, Any]) -> str:
    """The detail as stored and hashed: keys sorted, no spaces, non-ASCII kept as is."""
    return json.dumps(detail, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def instant(at: dt.datetime) -> str:
    """A UTC instant written one way only, with microseconds: 2026-12-05T18:54:01.000000Z."""
    if at.tzinfo is None:
        raise ValueError("audit times are aware UTC instants")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(prev_hash: str, seq: int, at: str, kind: str, actor: str, subject: str, detail: str) -> str:
    body = json.dumps([seq, at, kind, actor, subject, detail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    at: str
    kind: str
    actor: str
    subject: str
    detail: str
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class Draft:
    """An entry before it has its place in the chain."""

    at: str
    kind: str
    actor: str
    subject: str
    detail: str


def link(drafts: Iterable[Draft], *, after_seq: int, after_hash: str) -> list[Entry]:
    """Give `drafts` their numbers and hashes in order, continuing the chain from its head."""
    entries, seq, previous = [], after_seq, after_hash
    for draft in drafts:
        seq += 1
        digest = entry_hash(previous, seq, draft.at, draft.kind, draft.actor, draft.subject, draft.detail)
        entries.append(Entry(seq, draft.at, draft.kind, draft.actor, draft.subject, draft.detail, previous, digest))
        previous = digest
    return entries


@dataclass(frozen=True, slots=True)
class Break:
    """The first place the chain does not hold: at entry `seq`, for `reason` (a code, with words)."""

    seq: int
    reason: str
    zh: str
    en: str


def _break(seq: int, reason: str, zh: str, en: str) -> Break:
    return Break(seq, reason, zh, en)


class ChainWalker:
    """Checks entries fed to it in order, one chunk at a time, remembering where it is."""

    def __init__(self) -> None:
        self.seq = 0
        self.hash = GENESIS
        self.problem: Break | None = None

    def feed(self, entries: Iterable[Entry]) -> Break | None:
        if self.problem is not None:
            return self.problem
        for entry in entries:
            expected = self.seq + 1
            if entry.seq != expected:
                self.problem = _break(expected, "missing", f"第 {expected} 条缺失（下一条是第 {entry.seq} 条）",
                                      f"entry {expected} is missing (the next one is {entry.seq})")
                return self.problem
            if entry.prev_hash != self.hash:
                self.problem = _break(entry.seq, "link", f"第 {entry.seq} 条与上一条的哈希不衔接",
                                      f"entry {entry.seq} does not carry the previous entry's hash")
                return self.problem
            recomputed = entry_hash(entry.prev_hash, entry.seq, entry.at, entry.kind, entry.actor, entry.subject,
                                    entry.detail)
            if recomputed != entry.hash:
                self.problem = _break(entry.seq, "content", f"第 {entry.seq} 条内容已被改动（哈希不符）",
                                      f"entry {entry.seq} was altered (its hash does not match its content)")
                return self.problem
            self.seq, self.hash = entry.seq, entry.hash
        return None

    def finish(self, head: tuple[int, str] | None) -> Break | None:
        """After the last entry: the chain must end where the head row says it ends."""
        if self.problem is not None:
            return self.problem
        if head is None:
            head = (0, GENESIS)
        seq, digest = head
        if (seq, digest) != (self.seq, self.hash):
            at = min(seq, self.seq) + 1
            self.problem = _break(at, "head", f"日志末尾与链头记录不符（链头第 {seq} 条，日志到第 {self.seq} 条）",
                                  f"the log's end does not match the chain head (head at {seq}, log ends at {self.seq})")
        return self.problem


def first_break(entries: Iterable[Entry], head: tuple[int, str] | None = None) -> Break | None:
    walker = ChainWalker()
    walker.feed(entries)
    return walker.finish(head)
