"""The facts a rule reads, named once for both ways of judging.

A rule reads the action's features (`a.channel`, `a.local_day`, …) and, when it counts, the rows
of one source (`row.outcome`, `row.local_day`, …) that share the action's key. No feature is ever
null: a missing value is an empty string, zero or False, with a `has_…` flag beside it, so the
rules read the same in Python and in SQL (where a null would silently turn a test false).

The Python way builds these rows here; frames.py builds the same columns as Ibis expressions.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from arrears.compliance import local_time
from arrears.compliance.context import Action, Context
from arrears.compliance.quiet_days import day_kinds_of_number

ACTION_FEATURES = (
    "action_id",
    "debtor_id",
    "loan_id",
    "debt_id",
    "party",
    "relation",
    "channel",
    "contact_point_id",
    "has_contact_point",
    "template_kind",
    "agency_id",
    "has_agency",
    "collectors",
    "advance_notice",
    "opt_out_notice",
    "planned_utc_s",
    "local_day",
    "local_second",
    "local_month",
)


@dataclass(frozen=True)
class Source:
    """Rows a rule may count: joined to the action where `row.<row_key> == a.<action_key>`
    (the calendar instead where from_day <= a.local_day < until_day).

    distinct: the column counted once per value (an attempt about several debts is one row per
    debt but one attempt); None counts rows.
    """

    name: str
    action_key: str
    row_key: str
    columns: tuple[str, ...]
    distinct: str | None = None


SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        Source(
            "history",
            "debtor_id",
            "debtor_id",
            (
                "attempt_id",
                "debtor_id",
                "debt_id",
                "loan_id",
                "party",
                "contact_point_id",
                "channel",
                "template_kind",
                "outcome",
                "conversation",
                "attempted_utc_s",
                "local_day",
                "local_month",
            ),
            distinct="attempt_id",
        ),
        Source("debtors", "debtor_id", "debtor_id", ("debtor_id", "consecutive_failed_attempts")),
        Source("holds", "debtor_id", "debtor_id", ("debtor_id", "hold", "loan_id", "all_loans", "agency_id", "channel")),
        Source("opt_outs", "debtor_id", "debtor_id", ("debtor_id", "channel", "contact_point_id", "all_points", "confirmed")),
        Source(
            "contact_points",
            "contact_point_id",
            "contact_point_id",
            ("contact_point_id", "consent", "do_not_contact", "valid", "verified"),
        ),
        Source("loans", "loan_id", "loan_id", ("loan_id", "has_outsourcing_notice", "outsourcing_notice_utc_s")),
        Source(
            "debts",
            "debt_id",
            "debt_id",
            (
                "debt_id",
                "has_initial_communication",
                "initial_communication_utc_s",
                "has_validation_notice",
                "time_barred",
            ),
        ),
        Source(
            "agencies",
            "agency_id",
            "agency_id",
            ("agency_id", "channel", "valid_from_utc_s", "has_until", "valid_until_utc_s", "whitelisted"),
        ),
        Source("calendar", "local_day", "from_day", ("from_day", "until_day", "kind")),
    )
}


class Row(SimpleNamespace):
    """One row of features, read by attribute like an Ibis table's columns."""


def _seconds(instant) -> int:
    return 0 if instant is None else local_time.epoch_seconds(instant)


def action_features(action: Action) -> Row:
    planned = local_time.epoch_seconds(action.planned_utc)
    local = local_time.local_seconds(planned, action.time_zone)
    day = local_time.local_day(local)
    return Row(
        action_id=action.action_id,
        debtor_id=action.debtor_id,
        loan_id=action.loan_id,
        debt_id=action.debt_id,
        party=action.party.value,
        relation=action.relation.value,
        channel=action.channel.value,
        contact_point_id=action.contact_point_id or "",
        has_contact_point=action.contact_point_id is not None,
        template_kind=action.template_kind.value,
        agency_id=action.agency_id or "",
        has_agency=action.agency_id is not None,
        collectors=action.collectors,
        advance_notice=action.advance_notice,
        opt_out_notice=action.opt_out_notice,
        planned_utc_s=planned,
        local_day=day,
        local_second=local_time.second_of_day(local),
        local_month=local_time.month_number(day),
        time_zone=action.time_zone,
    )


def history_rows(a: Row, context: Context) -> list[Row]:
    rows = []
    for attempt in context.history:
        attempted = local_time.epoch_seconds(attempt.at_utc)
        day = local_time.local_day(local_time.local_seconds(attempted, a.time_zone))
        for debt_id in attempt.debt_ids or ("",):
            rows.append(
                Row(
                    attempt_id=attempt.attempt_id,
                    debtor_id=context.debtor_id,
                    debt_id=debt_id,
                    loan_id=attempt.loan_id or "",
                    party=attempt.party.value,
                    contact_point_id=attempt.contact_point_id or "",
                    channel=attempt.channel.value,
                    template_kind=attempt.template_kind.value if attempt.template_kind else "",
                    outcome=attempt.outcome.value if attempt.outcome else "",
                    conversation=attempt.conversation,
                    attempted_utc_s=attempted,
                    local_day=day,
                    local_month=local_time.month_number(day),
                )
            )
    return rows


def source_rows(source: str, a: Row, context: Context) -> list[Row]:
    """The rows of `source` that share the action's key, as the batch's join would pair them."""
    if source == "history":
        return history_rows(a, context)
    if source == "debtors":
        return [Row(debtor_id=context.debtor_id, consecutive_failed_attempts=context.consecutive_failed_attempts)]
    if source == "holds":
        return [
            Row(debtor_id=context.debtor_id, hold=h.hold.value, loan_id=h.loan_id or "", all_loans=h.loan_id is None,
                agency_id=h.agency_id or "", channel=h.channel.value if h.channel else "")
            for h in context.holds
        ]
    if source == "opt_outs":
        return [
            Row(
                debtor_id=context.debtor_id,
                channel=o.channel.value,
                contact_point_id=o.contact_point_id or "",
                all_points=o.contact_point_id is None,
                confirmed=o.confirmed,
            )
            for o in context.opt_outs
        ]
    if source == "contact_points":
        return [
            Row(
                contact_point_id=p.contact_point_id,
                consent=p.consent,
                do_not_contact=p.do_not_contact,
                valid=p.valid,
                verified=p.verified,
            )
            for p in context.contact_points
            if a.has_contact_point and p.contact_point_id == a.contact_point_id
        ]
    if source == "loans":
        return [
            Row(
                loan_id=loan.loan_id,
                has_outsourcing_notice=loan.outsourcing_notice_utc is not None,
                outsourcing_notice_utc_s=_seconds(loan.outsourcing_notice_utc),
            )
            for loan in context.loans
            if loan.loan_id == a.loan_id
        ]
    if source == "debts":
        return [
            Row(
                debt_id=debt.debt_id,
                has_initial_communication=debt.initial_communication_utc is not None,
                initial_communication_utc_s=_seconds(debt.initial_communication_utc),
                has_validation_notice=debt.validation_notice_utc is not None,
                time_barred=debt.time_barred,
            )
            for debt in context.debts
            if debt.debt_id == a.debt_id
        ]
    if source == "agencies":
        return [
            Row(
                agency_id=authority.agency_id,
                channel=channel.value,
                valid_from_utc_s=_seconds(authority.valid_from),
                has_until=authority.valid_until is not None,
                valid_until_utc_s=_seconds(authority.valid_until),
                whitelisted=authority.whitelisted,
            )
            for authority in context.agencies
            if a.has_agency and authority.agency_id == a.agency_id
            for channel in sorted(authority.channels)
        ]
    if source == "calendar":
        return [
            Row(from_day=a.local_day, until_day=a.local_day + 1, kind=kind.value)
            for kind in sorted(day_kinds_of_number(a.local_day))
        ]
    raise KeyError(source)
