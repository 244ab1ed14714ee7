"""lint: the content guard on its held-out set, and how fast it lints 10,000 messages.

The held-out set (tests/data/lint_heldout.yaml) was written before the rules were changed and is
never used to tune them or to train the classifier. Reported: recall per category, overall
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

HELD_OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "lint_heldout.yaml"
RECALL_GOAL = 0.95
FALSE_POSITIVE_GOAL = 0.05
SECONDS_BUDGET = 60.0
MESSAGES = 10_000


def run(ws: runner.Workspace, with_postgres: bool) -> dict:
    from arrears.compliance.lint_measure import measure, speed

    entries = yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))
    report = measure(entries)
    table = Table(title=f"lint — held-out set {HELD_OUT.name}: {report.violating + report.clean} messages")
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

    timing = speed([entry["text"] for entry in entries], MESSAGES)
    runner.console.print(f"  {MESSAGES:,} messages: {timing['one_at_a_time_seconds']:.1f} s one at a time "
                         f"({timing['per_message_ms']:.2f} ms each), {timing['batch_seconds']:.1f} s as one batch")
    budgets = [
        {"what": "lint held-out recall", "budget": f"≥ {RECALL_GOAL:.0%}", "measured": f"{report.recall:.1%}",
         "met": report.recall >= RECALL_GOAL},
        {"what": "lint held-out false positives", "budget": f"≤ {FALSE_POSITIVE_GOAL:.0%}",
         "measured": f"{report.false_positive_rate:.1%}", "met": report.false_positive_rate <= FALSE_POSITIVE_GOAL},
        {"what": f"lint {MESSAGES:,} messages, one at a time", "budget": f"< {SECONDS_BUDGET:g} s",
         "measured": f"{timing['one_at_a_time_seconds']:.1f} s", "met": timing["one_at_a_time_seconds"] < SECONDS_BUDGET},
    ]
    return {"held_out": report.as_data(), "speed": timing, "budgets": budgets,
            "notes": [] if not with_postgres else ["the lint uses no database"]}
