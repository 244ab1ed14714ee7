"""What the compliance guard knows about agencies, read from contracts and the registry.

Set-based for the nightly plan (`authority_table`: one row per agency and authorised channel of each
contract, the AGENCIES_SCHEMA of compliance/tables.py), one agency at a time for a contact an agency
records (`judge_agency_contact`, with the same rule definitions).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pyarrow as pa
from django.conf import settings

from arrears.compliance.context import AgencyAuthority, LoanFacts
from arrears.compliance.tables import AGENCIES_SCHEMA

# contract channels in the guard's words (the same words today; kept explicit so they cannot drift)
GUARD_CHANNELS = {"call": "call", "sms": "sms", "letter": "letter", "email": "email", "visit": "visit"}


def _start_utc(day: dt.date) -> dt.datetime:
    """A business date's first instant, in UTC: contracts run in the lender's zone."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(settings.TIME_ZONE)).astimezone(dt.UTC)


def _contract_rows(contracts) -> list[dict]:
    rows = []
    for agency_id, status, valid_from, valid_until, channels, visits_allowed in contracts:
        for channel in channels or ():
            if channel not in GUARD_CHANNELS or (channel == "visit" and not visits_allowed):
                continue
            rows.append(
                {
                    "agency_id": str(agency_id),
                    "channel": GUARD_CHANNELS[channel],
                    "valid_from_utc": _start_utc(valid_from),
                    "valid_until_utc": _start_utc(valid_until + dt.timedelta(days=1)),  # exclusive
                    "whitelisted": status == "whitelisted",
                }
            )
    return rows


def _contracts(agency_id: int | None = None):
    from arrears.agencies.models import Contract

    contracts = Contract.objects.all() if agency_id is None else Contract.objects.filter(agency_id=agency_id)
    return contracts.values_list("agency_id", "agency__status", "valid_from", "valid_until", "channels", "visits_allowed")


CONTRACTS_SQL = (
    "SELECT c.agency_id, a.status, c.valid_from, c.valid_until, c.channels, c.visits_allowed "
    "FROM agencies_contract c JOIN agencies_agency a ON a.id = c.agency_id"
)


def authority_table(db) -> pa.Table:
    """Every contract's authorised channels and period, with the agency's whitelist status, read
    through the plan's bulk connection `db` (no ORM call may happen while it is open)."""
    fetched = db.fetch(CONTRACTS_SQL, dates=("valid_from", "valid_until")).to_pylist()
    contracts = [
        (r["agency_id"], r["status"], r["valid_from"], r["valid_until"], _json_list(r["channels"]), bool(r["visits_allowed"]))
        for r in fetched
    ]
    return pa.Table.from_pylist(_contract_rows(contracts), schema=AGENCIES_SCHEMA)


def _json_list(value) -> list:
    import json

    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if isinstance(value, str):
        value = json.loads(value)
    return list(value or ())


def authorities_of(agency_id: int) -> tuple[AgencyAuthority, ...]:
    by_period: dict[tuple, set] = {}
    for row in _contract_rows(_contracts(agency_id)):
        key = (row["valid_from_utc"], row["valid_until_utc"], row["whitelisted"])
        by_period.setdefault(key, set()).add(row["channel"])
    return tuple(
        AgencyAuthority(agency_id=str(agency_id), channels=frozenset(channels), valid_from=start, valid_until=end,
                        whitelisted=whitelisted)
        for (start, end, whitelisted), channels in by_period.items()
    )


def notice_instant(placement) -> dt.datetime | None:
    """When the borrower was told of the outsourcing: the notice's send time, if it went out."""
    notice = placement.notice
    if notice is None or notice.state not in ("sent", "done"):
        return None
    return notice.sent_at or notice.attempted_at or notice.planned_for


def judge_agency_contact(placement, *, channel: str, contact_point_id: int | None, at: dt.datetime,
                         profile_name: str | None = None, context_at: dt.datetime | None = None):
    """The guard's decision on a contact an agency made or will make on a placed case (`context_at`:
    as in `arrears.guard.check_now`)."""
    from arrears.compliance.context import Action
    from arrears.compliance.lender import lender_profile
    from arrears.compliance.rules import decide
    from arrears.guard import subject_for
    from arrears.guard._reading import read_context

    subject = subject_for(loan_id=placement.loan_id, contact_point_id=contact_point_id)
    action = Action(
        action_id=f"agency-{placement.pk}-{channel}",
        debtor_id=str(subject.debtor_id),
        loan_id=str(placement.loan_id),
        debt_id=str(placement.loan_id),
        party=subject.party,
        relation=subject.relation,
        channel=GUARD_CHANNELS.get(channel, channel),
        contact_point_id=None if contact_point_id is None else str(contact_point_id),
        template_kind="collection",
        planned_utc=at,
        time_zone=subject.time_zone,
        agency_id=str(placement.agency_id),
        opt_out_notice=True,  # every approved electronic template carries its opt-out line
    )
    context = read_context(subject.debtor_id, context_at or at)
    context = dataclasses.replace(
        context,
        agencies=authorities_of(placement.agency_id),
        loans=(LoanFacts(loan_id=str(placement.loan_id), outsourcing_notice_utc=notice_instant(placement)),),
    )
    from arrears.borrower.preferences import with_preferences

    return with_preferences(decide(action, context, lender_profile(profile_name)), debtor_id=subject.debtor_id,
                            channel=action.channel, at=at, time_zone=subject.time_zone, party=subject.party)
