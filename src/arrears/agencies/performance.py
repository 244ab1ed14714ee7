"""The agencies' league table: recovery rate, contact rate, promise-kept rate, complaints per 1,000
cases and cost per yuan recovered — each from grouped queries over all placements at once.

    recovery rate        recovered / overdue at placement, over placements active by `as_of`
    contact rate         placements with at least one right-party contact / placements
    promise-kept rate    promises taken by the agency judged kept / promises judged (kept, partly kept, broken)
    complaints per 1,000 complaints received / placements × 1,000
    cost per yuan        commission earned / recovered (fen per yuan, i.e. per 100 fen)
Recovered and commission follow the statement's rule (agencies/statements.py) over the whole period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from arrears.agencies.commission import apply_rate, recovery_bp, tier_for
from arrears.agencies.models import Contract
from arrears.agencies.terms import BASIS_POINTS, schedule_tiers

RIGHT_PARTY = ("right_party_contact", "promise", "refusal", "dispute", "hardship_claim", "callback_requested", "stop_channel")

PER_PLACEMENT_SQL = """
SELECT p.id, p.agency_id, p.contract_id, p.bucket, p.overdue_at_placement, COALESCE(SUM(pay.amount), 0)
FROM agencies_placement p
LEFT JOIN ledger_payment pay
  ON pay.loan_id = p.loan_id AND pay.reverses_id IS NULL
 AND pay.value_date >= p.activated_on AND pay.value_date < COALESCE(p.ended_on, p.expires_on)
 AND pay.value_date <= %(as_of)s
 AND NOT EXISTS (SELECT 1 FROM ledger_payment r WHERE r.reverses_id = pay.id AND r.value_date <= %(as_of)s)
WHERE p.activated_on IS NOT NULL AND p.activated_on <= %(as_of)s
GROUP BY p.id, p.agency_id, p.contract_id, p.bucket, p.overdue_at_placement
"""
CONTACTED_SQL = f"""
SELECT p.agency_id, COUNT(DISTINCT p.id) FROM agencies_placement p
JOIN agencies_agencycontact ac ON ac.placement_id = p.id
JOIN contact_contactattempt a ON a.id = ac.attempt_id
WHERE a.outcome IN ({", ".join(f"'{o}'" for o in RIGHT_PARTY)})
GROUP BY p.agency_id
"""
PROMISES_SQL = """
SELECT p.agency_id, SUM(CASE WHEN pr.state = 'kept' THEN 1 ELSE 0 END), COUNT(*)
FROM promises_promise pr
JOIN agencies_agencycontact ac ON ac.attempt_id = pr.attempt_id
JOIN agencies_placement p ON p.id = ac.placement_id
WHERE pr.state IN ('kept', 'partly_kept', 'broken')
GROUP BY p.agency_id
"""
COMPLAINTS_SQL = "SELECT agency_id, COUNT(*) FROM agencies_complaint WHERE received_on <= %(as_of)s GROUP BY agency_id"


@dataclass(frozen=True)
class AgencyPerformance:
    agency_id: int
    placements: int
    placed: int
    recovered: int
    commission: int
    contacted: int
    promises_kept: int
    promises_judged: int
    complaints: int

    @property
    def recovery_bp(self) -> int | None:
        return recovery_bp(self.recovered, self.placed) if self.placed else None

    @property
    def contact_rate_bp(self) -> int | None:
        return self.contacted * BASIS_POINTS // self.placements if self.placements else None

    @property
    def promise_kept_bp(self) -> int | None:
        return self.promises_kept * BASIS_POINTS // self.promises_judged if self.promises_judged else None

    @property
    def complaints_per_1000(self) -> int | None:
        return self.complaints * 1000 // self.placements if self.placements else None

    @property
    def cost_fen_per_yuan(self) -> int | None:
        return self.commission * 100 // self.recovered if self.recovered > 0 else None


def _rows(sql: str, as_of: dt.date) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"as_of": as_of})
        return cursor.fetchall()


def league(as_of: dt.date, agency_ids) -> list[AgencyPerformance]:
    tiers = {c.pk: schedule_tiers(c.commission_schedule) for c in Contract.objects.all()}
    totals: dict[int, list[int]] = {a: [0, 0, 0, 0] for a in agency_ids}  # placements, placed, recovered, commission
    for _pk, agency_id, contract_id, bucket, placed, recovered in _rows(PER_PLACEMENT_SQL, as_of):
        placed, recovered = int(placed), int(recovered)
        tier = tier_for(recovery_bp(recovered, placed), tiers.get(contract_id, {}).get(bucket, ()))
        row = totals.setdefault(agency_id, [0, 0, 0, 0])
        row[0] += 1
        row[1] += placed
        row[2] += recovered
        row[3] += 0 if tier is None else apply_rate(recovered, tier.rate_bp)
    contacted = {a: int(n) for a, n in _rows(CONTACTED_SQL, as_of)}
    promises = {a: (int(k or 0), int(n)) for a, k, n in _rows(PROMISES_SQL, as_of)}
    complaints = {a: int(n) for a, n in _rows(COMPLAINTS_SQL, as_of)}
    return [
        AgencyPerformance(
            agency_id=agency_id, placements=t[0], placed=t[1], recovered=t[2], commission=t[3],
            contacted=contacted.get(agency_id, 0), promises_kept=promises.get(agency_id, (0, 0))[0],
            promises_judged=promises.get(agency_id, (0, 0))[1], complaints=complaints.get(agency_id, 0),
        )
        for agency_id, t in totals.items()
    ]
