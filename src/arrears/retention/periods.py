"""The retention periods a profile declares, read from its `records_retention` rules (no Django).

    periods = periods_of(load_profile("cn"))
    periods.personal_data      # Period(rule_id="cn.records.personal_data", years=3), the longest that binds it
    periods.cutoff(periods.collection, as_of)   # records whose purpose ended on or before this day may go

A period is the least time a record is kept after its purpose ended. A borrower's personal data is
needed by every record about them, so it is kept until the longest of the collection and personal
data periods has run; a profile that declares neither keeps it for ever. A kind of record no rule
of the profile covers is never deleted by retention.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from arrears.compliance.rules import RecordsRetention, RetainedRecords


@dataclass(frozen=True)
class Period:
    rule_id: str
    years: int


@dataclass(frozen=True)
class Periods:
    collection: Period | None
    personal_data: Period | None
    credit_report: Period | None
    agency_copy: Period | None

    @staticmethod
    def cutoff(period: Period, as_of: dt.date) -> dt.date:
        """The last day a purpose may have ended for its records to go on `as_of`: `years` before it
        (29 February counts back to 28 February)."""
        try:
            return as_of.replace(year=as_of.year - period.years)
        except ValueError:
            return as_of.replace(year=as_of.year - period.years, day=28)


def _longest(rules: list[RecordsRetention]) -> Period | None:
    if not rules:
        return None
    rule = max(rules, key=lambda r: r.years)
    return Period(rule.rule_id, rule.years)


def periods_of(profile) -> Periods:
    rules = [rule for rule in profile.rules if isinstance(rule, RecordsRetention)]

    def covering(*kinds: RetainedRecords) -> list[RecordsRetention]:
        return [rule for rule in rules if rule.records in kinds]

    return Periods(
        collection=_longest(covering(RetainedRecords.COLLECTION)),
        personal_data=_longest(covering(RetainedRecords.COLLECTION, RetainedRecords.PERSONAL_DATA)),
        credit_report=_longest(covering(RetainedRecords.CREDIT_REPORT)),
        agency_copy=_longest(covering(RetainedRecords.AGENCY_COPY)),
    )
