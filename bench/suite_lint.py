"""lint: the content guard on its two held-out sets, and how fast it lints 10,000 messages.

The held-out sets (tests/data/lint_heldout.yaml, and lint_heldout_fresh.yaml written later in other
registers) were each committed before the changes they measure and are never used to tune the rules,
to train the classifier or to choose its thresholds. Reported: recall per category, overall
recall (over message-and-category pairs), the share of violating messages blocked, and the
false-positive rate (lawful messages that would be refused). Then 10,000 messages from the set,
linted one at a time (as a template, note or notice is) and in one batch (`lint_many`).
Budgets: recall ≥ 95 %, false positives ≤ 5 % (the goal), 10,000 messages in under 60 s.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from rich.table import Table

from bench import runner

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
HELD_OUT = DATA / "lint_heldout.yaml"
HELD_OUT_SETS = (HELD_OUT, DATA / "lint_heldout_fresh.yaml")
RECALL_GOAL = 0.95
FALSE_POSITIVE_GOAL = 0.05
SECONDS_BUDGET = 60.0
MESSAGES = 10_000


def run(ws: runner.Workspace, with_postgres: bool) -> dict:
    from arrears.compliance.lint_measure import measure, speed

    reports = {}
    all_texts: list[str] = []
    for path in HELD_OUT_SETS:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
        all_texts += [entry["text"] for entry in entries]
        reports[path.name] = report = measure(entries)
        _print(path.name, report)
    combined = _combined(list(reports.values()))
    runner.console.print(f"  both sets: recall {combined['recall']:.1%} ({combined['found']}/{combined['labels']}), "
                         f"lawful refused {combined['false_positive_rate']:.1%} ({combined['clean_blocked']}/{combined['clean']})")
    entries = [{"text": text} for text in all_texts]

    timing = speed([entry["text"] for entry in entries], MESSAGES)
    runner.console.print(f"  {MESSAGES:,} messages: {timing['one_at_a_time_seconds']:.1f} s one at a time "
                         f"({timing['per_message_ms']:.2f} ms each; {timing['one_at_a_time_cpu_seconds']:.1f} s of CPU), "
                         f"{timing['batch_seconds']:.1f} s as one batch")
    budgets = [
        {"what": f"lint held-out recall ({name})", "budget": f"≥ {RECALL_GOAL:.0%}", "measured": f"{report.recall:.1%}",
         "met": report.recall >= RECALL_GOAL}
        for name, report in reports.items()
    ] + [
        {"what": f"lint held-out false positives ({name})", "budget": f"≤ {FALSE_POSITIVE_GOAL:.0%}",
         "measured": f"{report.false_positive_rate:.1%}", "met": report.false_positive_rate <= FALSE_POSITIVE_GOAL}
        for name, report in reports.items()
    ] + [
        {"what": f"lint {MESSAGES:,} messages, one at a time", "budget": f"< {SECONDS_BUDGET:g} s",
         "measured": f"{timing['one_at_a_time_seconds']:.1f} s", "met": timing["one_at_a_time_seconds"] < SECONDS_BUDGET},
    ]
    return {"held_out": reports[HELD_OUT.name].as_data(),
            "held_out_sets": {name: report.as_data() for name, report in reports.items()},
            "both_sets": combined, "speed": timing, "budgets": budgets,
            "notes": [] if not with_postgres else ["the lint uses no database"]}


def _print(name: str, report) -> None:
    table = Table(title=f"lint — held-out set {name}: {report.violating + report.clean} messages")
    for column in ("category", "messages", "found", "recall"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for category in sorted(report.expected):
        table.add_row(category, str(report.expected[category]), str(report.found[category]),
                      f"{report.category_recall(category):.1%}")
    table.add_row("[bold]overall (message × category)[/]", str(sum(report.expected.values())),
                  str(sum(report.found.values())), f"[bold]{report.recall:.1%}[/]")
    table.add_row("violating messages blocked", str(report.violating), str(report.violating_blocked),
                  f"{report.violating_blocked / report.violating:.1%}")
    table.add_row("[bold]lawful messages refused (false positives)[/]", str(report.clean), str(report.clean_blocked),
                  f"[bold]{report.false_positive_rate:.1%}[/]")
    runner.console.print(table)


def _combined(reports: list) -> dict:
    labels = sum(sum(r.expected.values()) for r in reports)
    found = sum(sum(r.found.values()) for r in reports)
    clean = sum(r.clean for r in reports)
    clean_blocked = sum(r.clean_blocked for r in reports)
    return {"labels": labels, "found": found, "recall": round(found / labels, 4), "clean": clean,
            "clean_blocked": clean_blocked, "false_positive_rate": round(clean_blocked / clean, 4)}
