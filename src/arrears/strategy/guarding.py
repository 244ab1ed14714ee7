"""The plan's actions through the compliance guard, set-based: the guard's inputs are read from
the database in bulk, and its decisions come back one row per action.

Review tasks (a visit request, which is judged again when a visit is scheduled) reach no one
and are not contacts; every other action is judged.
"""

from __future__ import annotations

import datetime as dt

from dataclasses import replace

import pyarrow as pa
import pyarrow.compute as pc

from arrears.bulk import BulkConnection
from arrears.borrower.preferences import PREFERRED_HOURS_SQL, planned_starts
from arrears.compliance.frames import decide_frame
from arrears.contact.outcomes import GUARD_OUTCOME
from arrears.compliance.tables import (
    ACTIONS_SCHEMA,
    CONTACT_POINTS_SCHEMA,
    DEBTORS_SCHEMA,
    DEBTS_SCHEMA,
    HISTORY_SCHEMA,
    HOLDS_SCHEMA,
    LOANS_SCHEMA,
    OPT_OUTS_SCHEMA,
    ContextTables,
)

HISTORY_DAYS = 30
SENT_AS = {"forbearance_offer": "sms"}
"""Strategy actions the outbox carries as a message of another channel: an offer goes out as an SMS."""
GUARD_CHANNEL = {
    "sms": "sms",
    "email": "email",
    "app_push": "app_push",
    "letter": "letter",
    "call": "call",
    "legal_review": "legal",
    **SENT_AS,
}
CONTACT_KIND = {  # the app is bound to the mobile; an offer goes out as an SMS
    "sms": "mobile", "call": "mobile", "app_push": "mobile", "email": "email", "letter": "address",
    "forbearance_offer": "mobile",
}

LOAN_CONTACTS_SQL = f"""
SELECT l.id AS loan_id, l.borrower_id, b.time_zone,
       CAST(pref.earliest AS TEXT) AS pref_earliest, CAST(pref.latest AS TEXT) AS pref_latest,
       (SELECT MIN(c.id) FROM ledger_contactpoint c WHERE c.borrower_id = l.borrower_id AND c.owner = 'borrower'
         AND c.kind = 'mobile' AND c.valid) AS mobile_id,
       (SELECT MIN(c.id) FROM ledger_contactpoint c WHERE c.borrower_id = l.borrower_id AND c.owner = 'borrower'
         AND c.kind = 'email' AND c.valid) AS email_id,
       (SELECT MIN(c.id) FROM ledger_contactpoint c WHERE c.borrower_id = l.borrower_id AND c.owner = 'borrower'
         AND c.kind = 'address' AND c.valid) AS address_id
FROM ledger_loan l JOIN ledger_borrower b ON b.id = l.borrower_id
{PREFERRED_HOURS_SQL.format(borrower="l.borrower_id")}
"""


def _text(column) -> pa.Array:
    return pc.cast(column, pa.string())


def planned_instants(rows: pa.Table, as_of: dt.date) -> pa.Array:
    """Each row's planned instant (UTC): the usual contact time in its `time_zone` (arrears.workday),
    or the start of the borrower's preferred hours (`pref_earliest`, `pref_latest`) when the usual
    time is outside them."""
    starts = planned_starts(as_of, rows.column("time_zone").to_pylist(), rows.column("pref_earliest").to_pylist(),
                            rows.column("pref_latest").to_pylist())
    return pa.array(starts, pa.timestamp("us", tz="UTC"))


def guarded_actions(actions: pa.Table) -> pa.Table:
    channels = actions.column("channel")
    return actions.filter(pc.is_in(channels, pa.array(list(GUARD_CHANNEL))))


def guard_inputs(
    db: BulkConnection, actions: pa.Table, facts: pa.Table, as_of: dt.date, profile_id: str = "cn"
) -> tuple[pa.Table, pa.Table, ContextTables]:
    """`actions`: the plan's actions with `action_id, loan_id, channel` (guarded channels only);
    `facts`: the account facts the plan was made from; `profile_id`: whose rules will judge them
    (a US profile's need the debt facts, arrears.guard.debts)."""
    loans = db.fetch(LOAN_CONTACTS_SQL)
    joined = actions.join(loans, "loan_id", join_type="inner")
    channel = joined.column("channel")
    contact_kind = _mapped(channel, CONTACT_KIND, pa.string())
    contact_ids = pa.nulls(joined.num_rows, pa.int64())
    for kind, column in (("mobile", "mobile_id"), ("email", "email_id"), ("address", "address_id")):
        chosen = pc.fill_null(pc.equal(contact_kind, kind), False)
        contact_ids = pc.if_else(chosen, pc.cast(joined.column(column), pa.int64()), contact_ids)
    guard_actions = pa.table(
        {
            "action_id": _text(joined.column("action_id")),
            "debtor_id": _text(joined.column("borrower_id")),
            "loan_id": _text(joined.column("loan_id")),
            "debt_id": _text(joined.column("loan_id")),
            "party": pa.array(["debtor"] * joined.num_rows),
            "relation": pa.array(["self"] * joined.num_rows),
            "channel": _mapped(channel, GUARD_CHANNEL, pa.string()),
            "contact_point_id": pc.cast(contact_ids, pa.string()),
            "template_kind": _template_kinds(joined),
            "planned_utc": planned_instants(joined, as_of),
            "time_zone": joined.column("time_zone"),
            "agency_id": pa.nulls(joined.num_rows, pa.string()),
            "collectors": pa.array([0] * joined.num_rows, pa.int64()),
            "advance_notice": pa.array([False] * joined.num_rows),
            # every electronic template carries its profile's opt-out line (checked when a template is approved)
            "opt_out_notice": pa.array([True] * joined.num_rows),
        },
        schema=ACTIONS_SCHEMA,
    )
    send_times = _send_times(loans, as_of)
    context = _context(db, loans, facts, send_times)
    from arrears.guard.debts import debt_facts_table, needs_debt_facts  # the guard package reads this module

    if needs_debt_facts(profile_id):
        dpd = dict(zip(facts.column("loan_id").to_pylist(), facts.column("dpd").to_pylist(), strict=True))
        context = replace(context, debts=debt_facts_table(db, as_of, dpd=dpd))
    return guard_actions, _history(db, as_of, send_times), context


def _template_kinds(actions: pa.Table) -> pa.Array:
    """A written notice (the validation notice under us-regf) is a notice; every other template collects."""
    from arrears.notices import NOTICE_TEMPLATES

    if "template" not in actions.column_names:
        return pa.array(["collection"] * actions.num_rows)
    notice = pc.fill_null(pc.is_in(actions.column("template"), pa.array(sorted(NOTICE_TEMPLATES))), False)
    return pc.if_else(notice, "notice", "collection")


def _mapped(column, mapping: dict, value_type: pa.DataType) -> pa.Array:
    """Each value replaced by `mapping[value]` (null where the mapping has none), column-wise."""
    keys = list(mapping)
    positions = pc.index_in(column, value_set=pa.array(keys, column.type))
    taken = pc.take(pa.array([mapping[key] for key in keys], value_type), positions)
    return taken.combine_chunks() if isinstance(taken, pa.ChunkedArray) else taken


def _send_times(loans: pa.Table, as_of: dt.date) -> pa.Table:
    """Each debtor's send instant: holds, opt-outs and history are taken as they stand then,
    as `arrears.guard.check_now` takes them at its instant."""
    debtors = loans.select(["borrower_id", "time_zone", "pref_earliest", "pref_latest"])
    debtors = debtors.cast(pa.schema([(name, pa.string() if name != "borrower_id" else debtors.schema.field(name).type)
                                      for name in debtors.column_names]))
    debtors = debtors.group_by(["borrower_id", "time_zone", "pref_earliest", "pref_latest"]).aggregate([])
    return pa.table({"debtor_id": _text(debtors.column("borrower_id")), "send_utc": planned_instants(debtors, as_of)})


def _utc_column(column) -> pa.Array:
    """A stored instant as UTC (SQLite hands back text)."""
    if not pa.types.is_timestamp(column.type):
        column = pc.strptime(pc.utf8_slice_codeunits(_text(column), 0, 19), format="%Y-%m-%d %H:%M:%S", unit="us")
    return pc.cast(pc.cast(column, pa.timestamp("us")), pa.timestamp("us", tz="UTC"))


def _in_force(rows: pa.Table, send_times: pa.Table, since: str, until: str | None = None) -> pa.Table:
    """The rows whose `since` is at or before their debtor's send instant and whose `until`
    (when given and set) is after it."""
    rows = rows.append_column("debtor_key", _text(rows.column("borrower_id")))
    joined = rows.join(send_times, "debtor_key", right_keys="debtor_id", join_type="inner")
    send = joined.column("send_utc")
    keep = pc.less_equal(_utc_column(joined.column(since)), send)
    if until is not None:
        ends = _utc_column(joined.column(until))
        keep = pc.and_(keep, pc.or_(pc.is_null(ends), pc.fill_null(pc.greater(ends, send), False)))
    return joined.filter(keep)


def _history(db: BulkConnection, as_of: dt.date, send_times: pa.Table) -> pa.Table:
    since = (as_of - dt.timedelta(days=HISTORY_DAYS + 1)).isoformat()
    rows = db.fetch(
        "SELECT a.id, l.borrower_id, a.loan_id, a.party, a.contact_point_id, a.channel, a.outcome, a.conversation, "
        f"a.attempted_at FROM contact_contactattempt a{_history_access(db, since)} JOIN ledger_loan l ON l.id = a.loan_id "
        f"WHERE a.attempted_at IS NOT NULL AND a.attempted_at >= '{since}'"
    )
    if rows.num_rows == 0:
        return HISTORY_SCHEMA.empty_table()
    rows = _in_force(rows, send_times, "attempted_at")
    attempted = _utc_column(rows.column("attempted_at"))
    window = pc.greater_equal(attempted, pc.subtract(rows.column("send_utc"), pa.scalar(dt.timedelta(days=HISTORY_DAYS))))
    rows, attempted = rows.filter(window), attempted.filter(window)
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
            "outcome": _mapped(rows.column("outcome"), GUARD_OUTCOME, pa.string()),
            "conversation": pc.cast(rows.column("conversation"), pa.bool_()),
            "attempted_utc": attempted,
        },
        schema=HISTORY_SCHEMA,
    )


def _history_access(db: BulkConnection, since: str) -> str:
    """How SQLite should read the window: through the attempted_at index when the window is a
    small part of the table (years of history), by a plain scan when it is most of it (one
    index lookup per row then costs five times the scan: 29 s against 5 s for 842,807 rows)."""
    if db.vendor != "sqlite":
        return ""
    counts = db.fetch(
        "SELECT (SELECT COUNT(*) FROM contact_contactattempt WHERE attempted_at >= ?) AS recent, "
        "(SELECT COUNT(*) FROM contact_contactattempt) AS every", (since,)
    ).to_pylist()[0]
    return " NOT INDEXED" if counts["recent"] * 4 > counts["every"] else ""


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


def _context(db: BulkConnection, loans: pa.Table, facts: pa.Table, send_times: pa.Table) -> ContextTables:
    holds = db.fetch(  # a hold on one collector binds only their calls and visits, none of the plan's actions
        "SELECT l.borrower_id, h.loan_id, h.kind, h.since, h.until, h.scope_agency_id, h.scope_channel FROM cases_accounthold h "
        "JOIN ledger_loan l ON l.id = h.loan_id WHERE h.scope_collector_id IS NULL"
    )
    holds = _in_force(holds, send_times, "since", "until")
    points = db.fetch("SELECT id, consent, do_not_contact, valid, verified FROM ledger_contactpoint")
    return ContextTables(
        debtors=_debtors(loans, facts),
        holds=pa.table(
            {"debtor_id": _text(holds.column("borrower_id")), "loan_id": _text(holds.column("loan_id")), "hold": holds.column("kind"),
             "agency_id": _text(holds.column("scope_agency_id")), "channel": _empty_as_null(holds.column("scope_channel"))},
            schema=HOLDS_SCHEMA,
        ) if holds.num_rows else HOLDS_SCHEMA.empty_table(),
        opt_outs=_opt_outs(db, send_times),
        contact_points=pa.table(
            {
                "contact_point_id": _text(points.column("id")),
                **{name: pc.cast(points.column(name), pa.bool_()) for name in ("consent", "do_not_contact", "valid", "verified")},
            },
            schema=CONTACT_POINTS_SCHEMA,
        ) if points.num_rows else CONTACT_POINTS_SCHEMA.empty_table(),
        loans=LOANS_SCHEMA.empty_table(),
        debts=DEBTS_SCHEMA.empty_table(),
        agencies=_agencies(db),
    )


def _empty_as_null(column) -> pa.Array:
    text = _text(column)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _opt_outs(db: BulkConnection, send_times: pa.Table) -> pa.Table:
    """Every request to stop a channel made before the send instant, one row per contact point and channel."""
    rows = db.fetch(
        "SELECT c.borrower_id, o.contact_point_id, o.channel, MIN(o.at) AS since FROM contact_channeloptout o "
        "JOIN ledger_contactpoint c ON c.id = o.contact_point_id GROUP BY c.borrower_id, o.contact_point_id, o.channel"
    )
    if rows.num_rows == 0:
        return OPT_OUTS_SCHEMA.empty_table()
    rows = _in_force(rows, send_times, "since")
    if rows.num_rows == 0:
        return OPT_OUTS_SCHEMA.empty_table()
    return pa.table(
        {
            "debtor_id": _text(rows.column("borrower_id")),
            "contact_point_id": _text(rows.column("contact_point_id")),
            "channel": rows.column("channel"),
            "confirmed": pa.array([False] * rows.num_rows),  # no confirmation of the request has gone out
        },
        schema=OPT_OUTS_SCHEMA,
    )


def _agencies(db: BulkConnection) -> pa.Table:
    """Each agency contract's authorised channels and period, and whether the agency is whitelisted."""
    from arrears.agencies.authority import authority_table

    return authority_table(db)


def decide(db: BulkConnection, actions: pa.Table, facts: pa.Table, as_of: dt.date, profile) -> pa.Table:
    """Decisions `(action_id, allowed, rule_ids, reasons_zh, reasons_en)` for the guarded actions."""
    guarded = guarded_actions(actions)
    guard_actions, history, context = guard_inputs(db, guarded, facts, as_of, profile.profile_id)
    return decide_frame(guard_actions, history, context, profile)
