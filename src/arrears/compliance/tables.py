"""The guard's inputs as Arrow tables: the plan's actions, contact history and context.

Instants are `timestamp[us, tz=UTC]` columns (or int64 seconds since the epoch); an optional
value is a null. `context_tables` turns per-debtor `Context` records into these tables, for
callers and tests that hold records rather than tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields

import pyarrow as pa

from arrears.compliance.context import Action, Context
from arrears.errors import InputError

_UTC = pa.timestamp("us", tz="UTC")
_STR = pa.string()
_BOOL = pa.bool_()
_INT = pa.int64()

ACTIONS_SCHEMA = pa.schema(
    [
        ("action_id", _STR),
        ("debtor_id", _STR),
        ("loan_id", _STR),
        ("debt_id", _STR),
        ("party", _STR),
        ("relation", _STR),
        ("channel", _STR),
        ("contact_point_id", _STR),
        ("template_kind", _STR),
        ("planned_utc", _UTC),
        ("time_zone", _STR),
        ("agency_id", _STR),
        ("collectors", _INT),
        ("advance_notice", _BOOL),
        ("opt_out_notice", _BOOL),
    ]
)
HISTORY_SCHEMA = pa.schema(
    [
        ("attempt_id", _STR),
        ("debtor_id", _STR),
        ("debt_id", _STR),  # one row per debt the attempt was about; null if none
        ("loan_id", _STR),
        ("party", _STR),
        ("contact_point_id", _STR),
        ("channel", _STR),
        ("template_kind", _STR),
        ("outcome", _STR),
        ("conversation", _BOOL),
        ("attempted_utc", _UTC),
    ]
)
DEBTORS_SCHEMA = pa.schema([("debtor_id", _STR), ("consecutive_failed_attempts", _INT)])
HOLDS_SCHEMA = pa.schema(
    [("debtor_id", _STR), ("loan_id", _STR), ("hold", _STR), ("agency_id", _STR), ("channel", _STR)]
)  # loan_id null: every loan; agency_id / channel null: every agency and the lender itself / every channel
OPT_OUTS_SCHEMA = pa.schema(
    [("debtor_id", _STR), ("contact_point_id", _STR), ("channel", _STR), ("confirmed", _BOOL)]
)  # contact_point_id null: every contact point on that channel
CONTACT_POINTS_SCHEMA = pa.schema(
    [("contact_point_id", _STR), ("consent", _BOOL), ("do_not_contact", _BOOL), ("valid", _BOOL), ("verified", _BOOL)]
)
LOANS_SCHEMA = pa.schema([("loan_id", _STR), ("outsourcing_notice_utc", _UTC)])
DEBTS_SCHEMA = pa.schema(
    [
        ("debt_id", _STR),
        ("initial_communication_utc", _UTC),
        ("validation_notice_utc", _UTC),
        ("time_barred", _BOOL),
    ]
)
AGENCIES_SCHEMA = pa.schema(
    [
        ("agency_id", _STR),
        ("channel", _STR),  # one row per authorised channel
        ("valid_from_utc", _UTC),
        ("valid_until_utc", _UTC),  # exclusive; null: open-ended
        ("whitelisted", _BOOL),
    ]
)


@dataclass(frozen=True)
class ContextTables:
    """The context of every debtor in a plan, one table per kind of fact (Arrow or Ibis tables)."""

    debtors: object
    holds: object
    opt_outs: object
    contact_points: object
    loans: object
    debts: object
    agencies: object

    @classmethod
    def empty(cls) -> ContextTables:
        return cls(**{f.name: _SCHEMAS[f.name].empty_table() for f in fields(cls)})


_SCHEMAS = {
    "debtors": DEBTORS_SCHEMA,
    "holds": HOLDS_SCHEMA,
    "opt_outs": OPT_OUTS_SCHEMA,
    "contact_points": CONTACT_POINTS_SCHEMA,
    "loans": LOANS_SCHEMA,
    "debts": DEBTS_SCHEMA,
    "agencies": AGENCIES_SCHEMA,
}


def _utc(instant: dt.datetime | None) -> dt.datetime | None:
    return None if instant is None else instant.astimezone(dt.timezone.utc)


def action_table(actions: Iterable[Action]) -> pa.Table:
    rows = [
        {
            "action_id": a.action_id,
            "debtor_id": a.debtor_id,
            "loan_id": a.loan_id,
            "debt_id": a.debt_id,
            "party": a.party.value,
            "relation": a.relation.value,
            "channel": a.channel.value,
            "contact_point_id": a.contact_point_id,
            "template_kind": a.template_kind.value,
            "planned_utc": a.planned_utc,
            "time_zone": a.time_zone,
            "agency_id": a.agency_id,
            "collectors": a.collectors,
            "advance_notice": a.advance_notice,
            "opt_out_notice": a.opt_out_notice,
        }
        for a in actions
    ]
    return pa.Table.from_pylist(rows, schema=ACTIONS_SCHEMA)


def history_table(contexts: Iterable[Context]) -> pa.Table:
    rows = []
    for context in contexts:
        for attempt in context.history:
            for debt_id in attempt.debt_ids or (None,):
                rows.append(
                    {
                        "attempt_id": attempt.attempt_id,
                        "debtor_id": context.debtor_id,
                        "debt_id": debt_id,
                        "loan_id": attempt.loan_id,
                        "party": attempt.party.value,
                        "contact_point_id": attempt.contact_point_id,
                        "channel": attempt.channel.value,
                        "template_kind": attempt.template_kind.value if attempt.template_kind else None,
                        "outcome": attempt.outcome.value if attempt.outcome else None,
                        "conversation": attempt.conversation,
                        "attempted_utc": attempt.at_utc,
                    }
                )
    return pa.Table.from_pylist(rows, schema=HISTORY_SCHEMA)


def _unique(rows: list[dict], key: str, what: str) -> list[dict]:
    """Facts keyed by an id shared between debtors (a contact point, an agency) must agree."""
    by_key: dict = {}
    for row in rows:
        seen = by_key.setdefault(row[key], row)
        if seen != row:
            raise InputError(f"{what} {row[key]} 在不同上下文中不一致", f"{what} {row[key]} differs between contexts")
    return list(by_key.values())


def context_tables(contexts: Iterable[Context]) -> ContextTables:
    contexts = list(contexts)
    debtors, holds, opt_outs, points, loans, debts, agencies = [], [], [], [], [], [], []
    for c in contexts:
        debtors.append({"debtor_id": c.debtor_id, "consecutive_failed_attempts": c.consecutive_failed_attempts})
        holds += [
            {"debtor_id": c.debtor_id, "loan_id": h.loan_id, "hold": h.hold.value, "agency_id": h.agency_id,
             "channel": h.channel.value if h.channel else None}
            for h in c.holds
        ]
        opt_outs += [
            {"debtor_id": c.debtor_id, "contact_point_id": o.contact_point_id, "channel": o.channel.value, "confirmed": o.confirmed}
            for o in c.opt_outs
        ]
        points += [
            {
                "contact_point_id": p.contact_point_id,
                "consent": p.consent,
                "do_not_contact": p.do_not_contact,
                "valid": p.valid,
                "verified": p.verified,
            }
            for p in c.contact_points
        ]
        loans += [{"loan_id": loan.loan_id, "outsourcing_notice_utc": _utc(loan.outsourcing_notice_utc)} for loan in c.loans]
        debts += [
            {
                "debt_id": d.debt_id,
                "initial_communication_utc": _utc(d.initial_communication_utc),
                "validation_notice_utc": _utc(d.validation_notice_utc),
                "time_barred": d.time_barred,
            }
            for d in c.debts
        ]
        for authority in c.agencies:
            agencies += [
                {
                    "agency_id": authority.agency_id,
                    "channel": channel.value,
                    "valid_from_utc": authority.valid_from,
                    "valid_until_utc": authority.valid_until,
                    "whitelisted": authority.whitelisted,
                }
                for channel in sorted(authority.channels)
            ]
    if len({c.debtor_id for c in contexts}) != len(contexts):
        raise InputError("同一债务人出现了多个上下文", "More than one context for the same debtor")
    unique_agencies = {tuple(sorted(row.items())): row for row in agencies}
    return ContextTables(
        debtors=pa.Table.from_pylist(debtors, schema=DEBTORS_SCHEMA),
        holds=pa.Table.from_pylist(holds, schema=HOLDS_SCHEMA),
        opt_outs=pa.Table.from_pylist(opt_outs, schema=OPT_OUTS_SCHEMA),
        contact_points=pa.Table.from_pylist(_unique(points, "contact_point_id", "contact point"), schema=CONTACT_POINTS_SCHEMA),
        loans=pa.Table.from_pylist(_unique(loans, "loan_id", "loan"), schema=LOANS_SCHEMA),
        debts=pa.Table.from_pylist(_unique(debts, "debt_id", "debt"), schema=DEBTS_SCHEMA),
        agencies=pa.Table.from_pylist(list(unique_agencies.values()), schema=AGENCIES_SCHEMA),
    )
