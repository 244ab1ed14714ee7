"""The plan's actions through the compliance guard, set-based: the guard's inputs are read from
the database in bulk, and its decisions come back one row per action.

Review tasks (a visit request, which is judged again when a visit is scheduled) reach no one
and are not contacts; every other action is judged.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from arrears.bulk import BulkConnection
from arrears.compliance.frames import decide_frame
from arrears.compliance.tables import (
    ACTIONS_SCHEMA,
    AGENCIES_SCHEMA,
    CONTACT_POINTS_SCHEMA,
    DEBTORS_SCHEMA,
    DEBTS_SCHEMA,
    HISTORY_SCHEMA,
    HOLDS_SCHEMA,
    LOANS_SCHEMA,
    OPT_OUTS_SCHEMA,
    ContextTables,
)

SEND_HOUR = 10  # planned contacts go out at 10:00 in the borrower's own zone
HISTORY_DAYS = 30
GUARD_CHANNEL = {
    "sms": "sms",
    "email": "email",
    "app_push": "app_push",
    "letter": "letter",
    "call": "call",
    "forbearance_offer": "sms",  # an offer goes out as a message
    "legal_review": "legal",
}
CONTACT_KIND = {"sms": "mobile", "call": "mobile", "app_push": "mobile", "email": "email", "letter": "address"}  # the app is bound to the mobile
GUARD_OUTCOME = {
    "right_party_contact": "right_party_contact",
    "promise": "right_party_contact",
    "refusal": "right_party_contact",
    "dispute": "right_party_contact",
    "hardship_claim": "right_party_contact",
    "callback_requested": "right_party_contact",
    "stop_channel": "right_party_contact",
    "no_answer": "unanswered",
    "wrong_number": "wrong_party",
    "delivered": "delivered",
    "undelivered": "failed",
}

LOAN_CONTACTS_SQL = """
SELECT l.id AS loan_id, l.borrower_id, b.time_zone,
       (SELECT MIN(c.id) FROM ledger_contactpoint c WHERE c.borrower_id = l.borrower_id AND c.owner = 'borrower'
         AND c.kind = 'mobile' AND c.valid) AS mobile_id,
       (SELECT MIN(c.id) FROM ledger_contactpoint c WHERE c.borrower_id = l.borrower_id AND c.owner = 'borrower'
         AND c.kind = 'email' AND c.valid) AS email_id,
       (SELECT MIN(c.id) FROM ledger_contactpoint c WHERE c.borrower_id = l.borrower_id AND c.owner = 'borrower'
         AND c.kind = 'address' AND c.valid) AS address_id
FROM ledger_loan l JOIN ledger_borrower b ON b.id = l.borrower_id
"""


def _text(column) -> pa.Array:
    return pc.cast(column, pa.string())


def _send_instants(zones: list[str], as_of: dt.date) -> dict[str, dt.datetime]:
    local = dt.datetime.combine(as_of, dt.time(SEND_HOUR))
    return {zone: local.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.UTC) for zone in zones}


def guarded_actions(actions: pa.Table) -> pa.Table:
    channels = actions.column("channel")
    return actions.filter(pc.is_in(channels, pa.array(list(GUARD_CHANNEL))))


def guard_inputs(
    db: BulkConnection, actions: pa.Table, facts: pa.Table, as_of: dt.date
) -> tuple[pa.Table, pa.Table, ContextTables]:
    """`actions`: the plan's actions with `action_id, loan_id, channel` (guarded channels only);
    `facts`: the account facts the plan was made from."""
    loans = db.fetch(LOAN_CONTACTS_SQL)
    joined = actions.join(loans, "loan_id", join_type="inner")
    channel = joined.column("channel").to_pylist()
    contact_columns = {"mobile": "mobile_id", "email": "email_id", "address": "address_id"}
    contact_ids = [
        None if CONTACT_KIND.get(c) is None else joined.column(contact_columns[CONTACT_KIND[c]])[i].as_py()
        for i, c in enumerate(channel)
    ]
    zones = joined.column("time_zone").to_pylist()
    instants = _send_instants(sorted(set(zones)), as_of)
    guard_actions = pa.table(
        {
            "action_id": _text(joined.column("action_id")),
            "debtor_id": _text(joined.column("borrower_id")),
            "loan_id": _text(joined.column("loan_id")),
            "debt_id": _text(joined.column("loan_id")),
            "party": pa.array(["debtor"] * joined.num_rows),
            "relation": pa.array(["self"] * joined.num_rows),
            "channel": pa.array([GUARD_CHANNEL[c] for c in channel]),
            "contact_point_id": pa.array([None if i is None else str(i) for i in contact_ids], pa.string()),
            "template_kind": pa.array(["collection"] * joined.num_rows),
            "planned_utc": pa.array([instants[zone] for zone in zones], pa.timestamp("us", tz="UTC")),
            "time_zone": joined.column("time_zone"),
            "agency_id": pa.nulls(joined.num_rows, pa.string()),
            "collectors": pa.array([0] * joined.num_rows, pa.int64()),
            "advance_notice": pa.array([False] * joined.num_rows),
            # every electronic template carries its profile's opt-out line (checked when a template is approved)
            "opt_out_notice": pa.array([True] * joined.num_rows),
        },
        schema=ACTIONS_SCHEMA,
    )
    return guard_actions, _history(db, as_of), _context(db, loans, facts)


def _history(db: BulkConnection, as_of: dt.date) -> pa.Table:
    since = (as_of - dt.timedelta(days=HISTORY_DAYS)).isoformat()
    rows = db.fetch(
        "SELECT a.id, l.borrower_id, a.loan_id, a.party, a.contact_point_id, a.channel, a.outcome, a.conversation, "
        "a.attempted_at FROM contact_contactattempt a JOIN ledger_loan l ON l.id = a.loan_id "
        f"WHERE a.attempted_at IS NOT NULL AND a.attempted_at >= '{since}'"
    )
    if rows.num_rows == 0:
        return HISTORY_SCHEMA.empty_table()
    attempted = rows.column("attempted_at")
    if not pa.types.is_timestamp(attempted.type):
        attempted = pc.strptime(pc.utf8_slice_codeunits(_text(attempted), 0, 19), format="%Y-%m-%d %H:%M:%S", unit="us")
    return pa.table(
        {
            "attempt_id": _text(rows.column("id")),
            "debtor_id": _text(rows.column("borrower_id")),
            "debt_id": _text(rows.column("loan_id")),
            "loan_id": _text(rows.column("loan_id")),
            "party": rows.column("party"),
            "contact_point_id": _text(rows.column("contact_point_id")),
            "channel": rows.column("channel"),
            "template_kind": pa.array(["collection"] * rows.num_rows),
            "outcome": pa.array([GUARD_OUTCOME.get(o) for o in rows.column("outcome").to_pylist()], pa.string()),
            "conversation": pc.cast(rows.column("conversation"), pa.bool_()),
            "attempted_utc": pc.cast(pc.cast(attempted, pa.timestamp("us")), pa.timestamp("us", tz="UTC")),
        },
        schema=HISTORY_SCHEMA,
    )


def _debtors(loans: pa.Table, facts: pa.Table) -> pa.Table:
    """A debtor's consecutive failed attempts: the most over their accounts."""
    joined = facts.select(["loan_id", "failed_contacts"]).join(loans.select(["loan_id", "borrower_id"]), "loan_id")
    per_debtor = joined.group_by("borrower_id").aggregate([("failed_contacts", "max")])
    return pa.table(
        {
            "debtor_id": _text(per_debtor.column("borrower_id")),
            "consecutive_failed_attempts": pc.cast(per_debtor.column("failed_contacts_max"), pa.int64()),
        },
        schema=DEBTORS_SCHEMA,
    )


def _context(db: BulkConnection, loans: pa.Table, facts: pa.Table) -> ContextTables:
    holds = db.fetch(
        "SELECT l.borrower_id, h.loan_id, h.kind FROM cases_accounthold h JOIN ledger_loan l ON l.id = h.loan_id "
        "WHERE h.until IS NULL"
    )
    points = db.fetch("SELECT id, consent, do_not_contact, valid, verified FROM ledger_contactpoint")
    return ContextTables(
        debtors=_debtors(loans, facts),
        holds=pa.table(
            {"debtor_id": _text(holds.column("borrower_id")), "loan_id": _text(holds.column("loan_id")), "hold": holds.column("kind")},
            schema=HOLDS_SCHEMA,
        ) if holds.num_rows else HOLDS_SCHEMA.empty_table(),
        opt_outs=OPT_OUTS_SCHEMA.empty_table(),
        contact_points=pa.table(
            {
                "contact_point_id": _text(points.column("id")),
                **{name: pc.cast(points.column(name), pa.bool_()) for name in ("consent", "do_not_contact", "valid", "verified")},
            },
            schema=CONTACT_POINTS_SCHEMA,
        ) if points.num_rows else CONTACT_POINTS_SCHEMA.empty_table(),
        loans=LOANS_SCHEMA.empty_table(),
        debts=DEBTS_SCHEMA.empty_table(),
        agencies=AGENCIES_SCHEMA.empty_table(),
    )


def decide(db: BulkConnection, actions: pa.Table, facts: pa.Table, as_of: dt.date, profile) -> pa.Table:
    """Decisions `(action_id, allowed, rule_ids, reasons_zh, reasons_en)` for the guarded actions."""
    guarded = guarded_actions(actions)
    guard_actions, history, context = guard_inputs(db, guarded, facts, as_of)
    return decide_frame(guard_actions, history, context, profile)
