"""The audit log's cost: appending 100,000 entries in bulk, through the ORM in batches, a sample one
at a time, then verifying the whole chain, on an empty SQLite database.

    python -m bench --only audit [--scale small]

What it tells: how much an entry adds to a bulk path (the contacts feed, the outbox), and how long
`arrears audit verify` takes per 100,000 entries. No budget of its own: the nightly and outbox
benchmarks carry the budgets these paths must keep.
"""

from __future__ import annotations

from rich.table import Table

from bench import runner

ENTRIES = 100_000
SINGLES = 2_000


def run(ws: runner.Workspace, with_postgres: bool) -> dict:
    entries, singles = ws.sized(ENTRIES), max(1, ws.sized(SINGLES))
    rows = []
    notes = ["PostgreSQL: not measured by this benchmark (SQLite only)"] if with_postgres else []
    for name, url in (("SQLite", ""),):
        measured = ws.run("audit_chain", {"entries": entries, "singles": singles}, database_url=url,
                          label=f"{name}: {entries:,} audit entries appended three ways, then verified")
        row = {"database": name, "status": measured.status}
        if measured.ok:
            result = measured.result
            row.update({key: result[key] for key in ("entries", "singles", "bulk_seconds", "orm_seconds",
                                                     "single_seconds", "verify_seconds", "verified_entries", "chain_ok")})
        else:
            row["problem"] = measured.problem
        rows.append(row)
    table = Table(title="audit log — append and verify")
    for column in ("database", "entries", "bulk /s", "ORM batches /s", "one by one /s", "verify /s", "chain"):
        table.add_column(column, justify="left" if column == "database" else "right")
    for row in rows:
        if row["status"] != "ok":
            table.add_row(row["database"], "", "", "", "", "", f"[red]{row['problem'][:60]}[/]")
            continue
        table.add_row(row["database"], f"{row['entries']:,}", f"{row['entries'] / row['bulk_seconds']:,.0f}",
                      f"{row['entries'] / row['orm_seconds']:,.0f}", f"{row['singles'] / row['single_seconds']:,.0f}",
                      f"{row['verified_entries'] / row['verify_seconds']:,.0f}" if row["verify_seconds"] else "",
                      "intact" if row["chain_ok"] else "[red]broken[/]")
    runner.console.print(table)
    return {"rows": rows, "notes": notes}
