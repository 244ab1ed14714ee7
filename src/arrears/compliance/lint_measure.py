"""How well the content lint does on a labelled set: recall per category, overall recall and the
false-positive rate, as the benchmark (`python -m bench --only lint`) and the held-out test
(tests/unit/test_lint_heldout.py) both report it.

A labelled entry is a mapping as in tests/data/lint_heldout.yaml: text, expect (the categories a
reviewer raises; empty when the text may be approved), and optionally lang, profile, product,
channel, recipient and facts (amounts in minor units, official channels, `initial` for a first
notice). Under us-regf an entry is a debt collector's message.

Counting: a category counts as found when some finding of that category is in the message;
overall recall is over (message, category) pairs; the false-positive rate is the share of
approvable messages that are not approved (any finding at all blocks approval).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from arrears.compliance.lint import Finding, MessageFacts, lint, lint_many


@dataclass
class Report:
    """The figures for one labelled set."""

    expected: Counter = field(default_factory=Counter)  # category -> messages labelled with it
    found: Counter = field(default_factory=Counter)  # category -> of those, found
    violating: int = 0
    violating_blocked: int = 0
    clean: int = 0
    clean_blocked: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (id, category, text)
    false_alarms: list[tuple[str, str, str]] = field(default_factory=list)  # (id, categories, text)

    @property
    def recall(self) -> float:
        total = sum(self.expected.values())
        return sum(self.found.values()) / total if total else 1.0

    @property
    def false_positive_rate(self) -> float:
        return self.clean_blocked / self.clean if self.clean else 0.0

    def category_recall(self, category: str) -> float:
        return self.found[category] / self.expected[category] if self.expected[category] else 1.0

    def as_data(self) -> dict:
        return {
            "messages": self.violating + self.clean,
            "violating": self.violating,
            "clean": self.clean,
            "recall": round(self.recall, 4),
            "false_positive_rate": round(self.false_positive_rate, 4),
            "violating_blocked": self.violating_blocked,
            "clean_blocked": self.clean_blocked,
            "per_category": {
                category: {"messages": self.expected[category], "found": self.found[category],
                           "recall": round(self.category_recall(category), 4)}
                for category in sorted(self.expected)
            },
            "misses": [{"id": i, "category": c, "text": t} for i, c, t in self.misses],
            "false_alarms": [{"id": i, "categories": c, "text": t} for i, c, t in self.false_alarms],
        }


def facts_of(entry: dict) -> MessageFacts | None:
    facts = {key: value for key, value in (entry.get("facts") or {}).items() if key != "initial"}
    return MessageFacts(**facts) if facts else None


def audience_of(entry: dict) -> dict:
    profile = entry.get("profile", "cn")
    return {
        "profile": profile,
        "product": entry.get("product", "consumer_loan"),
        "recipient": entry.get("recipient", "borrower"),
        "sender": "debt_collector" if profile == "us-regf" else "lender",
        "channel": entry.get("channel"),
        "first_notice": bool((entry.get("facts") or {}).get("initial")),
    }


def lint_entry(entry: dict) -> tuple[Finding, ...]:
    return lint(entry["text"], facts=facts_of(entry), **audience_of(entry))


def measure(entries: list[dict]) -> Report:
    report = Report()
    for entry in entries:
        findings = lint_entry(entry)
        got = {finding.category for finding in findings}
        expected = set(entry["expect"])
        if expected:
            report.violating += 1
            report.violating_blocked += bool(findings)
        else:
            report.clean += 1
            report.clean_blocked += bool(findings)
            if findings:
                report.false_alarms.append((entry["id"], ",".join(sorted(got)), entry["text"]))
        for category in expected:
            report.expected[category] += 1
            if category in got:
                report.found[category] += 1
            else:
                report.misses.append((entry["id"], category, entry["text"]))
    return report


def speed(texts: list[str], count: int = 10_000) -> dict:
    """Seconds to lint `count` messages (cycling through `texts`): one at a time (wall clock and this
    process's CPU time, which a machine shared with other work does not inflate), and in one batch."""
    messages = [texts[index % len(texts)] for index in range(count)]
    lint(messages[0])  # the classifier is trained or loaded once, not timed
    started, cpu = time.perf_counter(), time.process_time()
    for text in messages:
        lint(text)
    one_by_one, one_by_one_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    lint_many(messages)
    batch = time.perf_counter() - started
    return {"messages": count, "one_at_a_time_seconds": round(one_by_one, 3), "batch_seconds": round(batch, 3),
            "one_at_a_time_cpu_seconds": round(one_by_one_cpu, 3),
            "per_message_ms": round(1000 * one_by_one / count, 3)}
