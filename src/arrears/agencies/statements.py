"""An agency's monthly commission statement, built from the payment ledger in one grouped query.

Recovered on a placement in a month: payments the lender received on the placed loan (never the
agency: it collects no money) with a value date inside both the month and the placement's active
period [activated_on, ended_on or expires_on), not reversed by a reversal dated within the month.
The tier is chosen by the placement's recovery rate to the end of the month (recovered since it became
active / overdue amount at placement); its rate applies to the month's recovered amount. All fen.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.db import connection

from arrears import clock
from arrears.agencies.commission import StatementLine, apply_rate, recovery_bp, tier_for
from arrears.agencies.models import Agency, Contract
from arrears.agencies.performance import during_placement
from arrears.agencies.terms import schedule_tiers
from arrears.ledger.recoveries import recovered_condition
from arrears.money import format_money, format_yuan
from arrears.spreadsheet import SafeWriter

# One row per placement and period (any number of periods, all agencies or some, in one query): what
# was recovered in the period and to its end. A period is [start, end) in business dates.
PERIOD_LINES_SQL = """
WITH periods (period_start, period_end) AS (VALUES {periods})
SELECT p.agency_id, p.arm, per.period_start, p.id, l.external_id, l.currency, p.bucket, p.placed_on,
       COALESCE(p.ended_on, p.expires_on) AS ends, p.overdue_at_placement, p.contract_id,
       COALESCE(SUM(CASE WHEN pay.value_date >= per.period_start THEN pay.amount ELSE 0 END), 0) AS in_period,
       COALESCE(SUM(pay.amount), 0) AS to_date
FROM periods per
JOIN agencies_placement p
  ON p.activated_on IS NOT NULL AND p.activated_on < per.period_end
 AND COALESCE(p.ended_on, p.expires_on) > per.period_start
JOIN ledger_loan l ON l.id = p.loan_id
LEFT JOIN ledger_payment pay
  ON pay.loan_id = p.loan_id AND {during}
 AND pay.value_date < per.period_end
 AND {recovered}
{where}
GROUP BY p.agency_id, p.arm, per.period_start, p.id, l.external_id, l.currency, p.bucket, p.placed_on, p.ended_on, p.expires_on,
         p.overdue_at_placement, p.contract_id
ORDER BY per.period_start, p.id
"""


@dataclass(frozen=True)
class PeriodLine:
    """A statement line with the agency, arm and period it belongs to."""

    agency_id: int
    arm: str
    period_start: dt.date
    line: StatementLine


@dataclass(frozen=True)
class Statement:
    agency_id: int
    month: dt.date  # the first day
    lines: tuple[StatementLine, ...]

    @property
    def recovered(self) -> int:
        """Over every line: one currency's amount only when the statement has one (see `totals`)."""
        return sum(line.recovered for line in self.lines)

    @property
    def commission(self) -> int:
        return sum(line.commission for line in self.lines)

    @property
    def totals(self) -> tuple[CurrencyTotal, ...]:
        """Recovered and commission per currency, the lender's first: amounts in different currencies are never added."""
        from arrears.notices.lender import default_currency

        sums: dict[str, list[int]] = {}
        for line in self.lines:
            found = sums.setdefault(line.currency, [0, 0])
            found[0] += line.recovered
            found[1] += line.commission
        lender = default_currency()
        order = sorted(sums, key=lambda code: (code != lender, code))
        return tuple(CurrencyTotal(code, sums[code][0], sums[code][1]) for code in order) or (CurrencyTotal(lender, 0, 0),)


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    recovered: int
    commission: int


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from `first`'s to `last`'s, inclusive."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = month_bounds(month)[1]
    return months


def period_lines(periods: list[tuple[dt.date, dt.date]], agency_ids=None) -> list[PeriodLine]:
    """Every statement line of the periods, for the agencies given (all when None), in one query.

    The tier is chosen by the placement's recovery to the end of the period; its rate applies to
    what was recovered in the period. A monthly statement is the lines of one month."""
    if not periods:
        return []
    params: list = [day for period in periods for day in period]
    where = ""
    if agency_ids is not None:
        agency_ids = list(agency_ids)
        if not agency_ids:
            return []
        where = f"WHERE p.agency_id IN ({', '.join(['%s'] * len(agency_ids))})"
        params += agency_ids
    sql = PERIOD_LINES_SQL.format(
        periods=", ".join(["(%s, %s)"] * len(periods)), where=where, during=during_placement("p", "pay"),
        recovered=recovered_condition("pay", "per.period_end", through=False),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    contracts = Contract.objects.all() if agency_ids is None else Contract.objects.filter(agency_id__in=agency_ids)
    tiers = {c.pk: schedule_tiers(c.commission_schedule) for c in contracts}
    lines = []
    for agency_id, arm, period_start, pk, reference, currency, bucket, placed_on, ends, placed, contract_id, in_period, to_date in rows:
        reached = recovery_bp(int(to_date), int(placed))
        tier = tier_for(reached, tiers[contract_id].get(bucket, ()))
        lines.append(PeriodLine(
            agency_id=agency_id, arm=arm, period_start=_date(period_start),
            line=StatementLine(
                placement_id=pk,
                loan_reference=reference,
                bucket=bucket,
                placed_on=_date(placed_on),
                ended_on=_date(ends),
                placed_amount=int(placed),
                recovered=int(in_period),
                recovery_bp=reached,
                rate_bp=0 if tier is None else tier.rate_bp,
                commission=0 if tier is None else apply_rate(int(in_period), tier.rate_bp),
                currency=currency,
            ),
        ))
    return lines


def build_statement(agency: Agency, month: dt.date) -> Statement:
    start, end = month_bounds(month)
    lines = tuple(row.line for row in period_lines([(start, end)], [agency.pk]))
    return Statement(agency_id=agency.pk, month=start, lines=lines)


HEADER = (
    "placement", "loan", "bucket", "placed_on", "ends_on", "placed_fen", "recovered_fen", "recovery_bp", "rate_bp",
    "commission_fen", "recovered_yuan", "commission_yuan", "currency", "recovered_shown", "commission_shown",
)
"""The *_fen columns hold hundredths and the *_yuan columns the major unit (yuan, dollars) of the row's
`currency`; the *_shown columns are as the reader's language writes that currency. One total row per currency."""


def statement_csv(statement: Statement, language: str | None = None) -> str:
    language = language or _language()
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(HEADER)
    for line in statement.lines:
        writer.writerow((
            line.placement_id, line.loan_reference, line.bucket, line.placed_on, line.ended_on, line.placed_amount,
            line.recovered, line.recovery_bp, line.rate_bp, line.commission,
            format_yuan(line.recovered, ""), format_yuan(line.commission, ""), line.currency,
            format_money(line.recovered, line.currency, language), format_money(line.commission, line.currency, language),
        ))
    for total in statement.totals:
        writer.writerow(("total", "", "", "", "", "", total.recovered, "", "", total.commission,
                         format_yuan(total.recovered, ""), format_yuan(total.commission, ""), total.currency,
                         format_money(total.recovered, total.currency, language),
                         format_money(total.commission, total.currency, language)))
    return out.getvalue()


def _language() -> str:
    from django.utils.translation import get_language

    return get_language() or "zh-hans"


def _percent(bp: int) -> str:
    whole, rest = divmod(bp, 100)
    return f"{whole}.{rest:02d}%"


def statement_document(statement: Statement, agency: Agency, language: str | None = None):
    """The statement as a printed document (arrears.notices lays it out): the same lines and totals
    as the CSV, in zh-Hans and English side by side, as the CSV is read by both sides; amounts in each
    loan's currency as `language` (default: the reader's) writes it, totalled per currency."""
    from arrears.notices.document import Document, Section

    language = language or _language()

    def money(line_or_total, amount: int) -> str:
        return format_money(amount, line_or_total.currency, language)

    totals = statement.totals
    suffix = (lambda total: f" · {total.currency}") if len(totals) > 1 else (lambda total: "")

    names = agency.name if not agency.name_en or agency.name_en == agency.name else f"{agency.name} / {agency.name_en}"
    lines = tuple(
        f"#{line.placement_id} · {line.loan_reference} · {line.bucket} · {line.placed_on}–{line.ended_on} · "
        f"委案 placed {money(line, line.placed_amount)} · 回收 recovered {money(line, line.recovered)} · "
        f"回收率 recovery {_percent(line.recovery_bp)} · 费率 rate {_percent(line.rate_bp)} · "
        f"佣金 commission {money(line, line.commission)}"
        for line in statement.lines
    ) or ("本月无委案 / No placements in this month",)
    return Document(
        title="佣金对账单 / Commission statement",
        subtitle=f"{names} · {agency.credit_code} · {statement.month:%Y-%m}",
        sections=(
            Section(heading="明细 / Lines", lines=lines),
            Section(
                heading="合计 / Total",
                lines=(),
                table=tuple(
                    row
                    for total in totals
                    for row in (
                        (f"回收合计 / Recovered{suffix(total)}", money(total, total.recovered)),
                        (f"佣金合计 / Commission{suffix(total)}", money(total, total.commission)),
                    )
                ),
            ),
        ),
        footer=(
            "回收：出借人在当月、委案有效期内就所委贷款收到的还款；催收机构不收取任何款项。"
            " Recovered: payments the lender received on each placed loan within the month and within the "
            "placement's active period. The agency never collects money."
        ),
    )


def statement_pdf(statement: Statement, agency: Agency) -> bytes:
    """The statement as PDF, in the notices' CJK font; raises ConfigurationError (zh/en) without it."""
    from arrears.notices.pdf import render

    return render(statement_document(statement, agency))


def dispute_line(staff, *, month: dt.date, placement_id: int, reason: str):
    """The agency disputes one line of its statement for `month`; only a line on that statement."""

    from arrears.agencies.models import StatementDispute
    from arrears.errors import InputError

    if not reason.strip():
        raise InputError("异议须说明理由", "A dispute needs a reason")
    statement = build_statement(staff.agency, month)
    if placement_id not in {line.placement_id for line in statement.lines}:
        raise InputError("该委案不在此月对账单中", "That placement is not on this month's statement")
    return StatementDispute.objects.create(
        agency_id=staff.agency_id, month=statement.month, placement_id=placement_id, reason=reason.strip()[:2000],
        raised_by_id=staff.user_id, raised_at=clock.now(),
    )
