"""`place(as_of)`: the plan's agency-pool cases become placements; expired ones end; notified ones start.

Set-based: the day's candidates are read in one query, allocated in DuckDB (arrears.agencies.allocation),
and written with bulk inserts; ends and starts are single UPDATEs over every placement they concern.

Where the compliance profile has an outsourcing-notice rule (银行保险机构消费者权益保护管理办法 第四十一条:
tell the debtor before an outside collector acts), a new placement waits, invisible to the agency,
until the outbox has sent the notice: the strategy's `placement_notice` letter when it already queued
one (at DPD 31), or an `outsourcing_notice` ContactAttempt created with the placement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.utils import timezone

from arrears import clock
from arrears.agencies.allocation import OFFERS_SCHEMA, allocate
from arrears.agencies.models import (
    OPEN_STATES,
    Agency,
    AgencyStatus,
    Contract,
    Placement,
    PlacementEvent,
    PlacementEventKind,
    PlacementState,
)
from arrears.bulk import BulkConnection
from arrears.cases.holds import in_force_sql, whole_loan_sql
from arrears.strategy.facts_source import facts_instant
from arrears.workday import contact_instant
from arrears.compliance.lender import lender_profile

NOTICE_TEMPLATE = "outsourcing_notice"  # the messaging catalogue's 委外催收告知书, as SMS and as letter
NOTICE_TEMPLATES = ("placement_notice", "outsourcing_notice")  # either tells the borrower
AGENCY_POOL = "agency_pool"
DEFAULT_CHALLENGER_SHARE = 20

CANDIDATES_SQL = """
SELECT DISTINCT a.loan_id, s.bucket,
       s.overdue_principal + s.overdue_interest + s.fee_outstanding + s.penalty_outstanding AS overdue,
       s.balance,
       (SELECT MIN(c.id) FROM ledger_contactpoint c WHERE c.borrower_id = l.borrower_id AND c.owner = 'borrower'
         AND c.kind = 'mobile' AND c.valid AND NOT c.do_not_contact) AS mobile_id,
       (SELECT MIN(c.id) FROM ledger_contactpoint c WHERE c.borrower_id = l.borrower_id AND c.owner = 'borrower'
         AND c.kind = 'address' AND c.valid AND c.verified) AS address_id
FROM strategy_plannedaction a
JOIN cycle_accountstate s ON s.loan_id = a.loan_id
JOIN ledger_loan l ON l.id = a.loan_id
WHERE a.as_of = '{as_of}' AND a.owner = 'agency_pool' AND s.status IN ('delinquent', 'charged_off')
  AND NOT EXISTS (SELECT 1 FROM agencies_placement p WHERE p.loan_id = a.loan_id
                  AND p.state IN ('awaiting_notice', 'active'))
  AND NOT EXISTS (SELECT 1 FROM cases_accounthold h WHERE h.loan_id = a.loan_id AND {hold_in_force} AND {whole_loan})
"""
# a case recalled from an agency never goes back to that same agency, nor goes to an agency a hold
# in force names (a complaint about it under review)
EXCLUDED_SQL = """
SELECT DISTINCT loan_id, agency_id FROM agencies_placement WHERE state = 'recalled'
UNION
SELECT DISTINCT h.loan_id, h.scope_agency_id AS agency_id FROM cases_accounthold h
WHERE h.scope_agency_id IS NOT NULL AND {hold_in_force}
"""


@dataclass(frozen=True)
class PlaceOutcome:
    as_of: dt.date
    candidates: int
    placed: int
    awaiting_notice: int
    activated: int
    expired: int
    recalled: int
    by_agency: dict[str, int] = field(default_factory=dict)
    by_arm: dict[str, int] = field(default_factory=dict)
    why_none: str = ""  # when there were candidates and none was placed: why, in both languages

    def summary(self) -> str:
        agencies = ", ".join(f"{name} {n}" for name, n in sorted(self.by_agency.items())) or "—"
        if self.why_none:
            agencies += f"; {self.why_none}"
        return (
            f"{self.as_of}：候选 {self.candidates} 件，委案 {self.placed} 件（待告知 {self.awaiting_notice}），"
            f"告知后生效 {self.activated}，到期收回 {self.expired}，强制收回 {self.recalled}（{agencies}）\n"
            f"{self.as_of}: {self.candidates} candidates, {self.placed} placed ({self.awaiting_notice} awaiting notice), "
            f"{self.activated} activated after notice, {self.expired} expired, {self.recalled} recalled ({agencies})"
        )


def place(as_of: dt.date, *, profile_name: str | None = None, challenger_share: int = DEFAULT_CHALLENGER_SHARE,
          now: dt.datetime | None = None) -> PlaceOutcome:
    now = now or clock.now()
    ended = end_placements(as_of, now=now)
    activated = activate_notified(as_of, now=now)
    notice_required = requires_outsourcing_notice(profile_name)
    with BulkConnection.for_django() as db:  # no ORM call while it is open (SQLite)
        instant = f"'{facts_instant(as_of):%Y-%m-%d %H:%M:%S}'"
        candidates = db.fetch(  # a date and an instant, formatted: safe
            CANDIDATES_SQL.format(as_of=as_of.isoformat(), hold_in_force=in_force_sql("h", instant),
                                  whole_loan=whole_loan_sql("h"))
        )
        excluded = db.fetch(EXCLUDED_SQL.format(hold_in_force=in_force_sql("h", instant)))
    offers = offers_on(as_of)
    allocated = allocate(
        candidates.select(["loan_id", "bucket", "overdue", "balance"]), offers,
        challenger_share=challenger_share, excluded=excluded,
    )
    placed, awaiting = _write_placements(allocated, candidates, as_of, now=now, notice_required=notice_required)
    names = dict(Agency.objects.values_list("id", "name"))
    by_agency: dict[str, int] = {}
    by_arm: dict[str, int] = {}
    for agency_id, arm in zip(allocated.column("agency_id").to_pylist(), allocated.column("arm").to_pylist()):
        by_agency[names[agency_id]] = by_agency.get(names[agency_id], 0) + 1
        by_arm[arm] = by_arm.get(arm, 0) + 1
    return PlaceOutcome(
        as_of=as_of,
        candidates=candidates.num_rows,
        placed=placed,
        awaiting_notice=awaiting,
        activated=activated,
        expired=ended["expired"],
        recalled=ended["recalled"],
        by_agency=by_agency,
        by_arm=by_arm,
        why_none=why_none_placed(offers, candidates, as_of) if candidates.num_rows and not placed else "",
    )


def why_none_placed(offers: pa.Table, candidates: pa.Table, as_of: dt.date) -> str:
    """Why the night's candidates found no agency, in both languages: no agency, no contract in
    force, no contract covering any candidate's bucket and amount, or no room at those that do."""
    if offers.num_rows == 0:
        if not Agency.objects.filter(status=AgencyStatus.WHITELISTED).exists():
            return "没有在白名单上的催收机构 / no agency is on the whitelist"
        return f"{as_of} 没有生效的委外合同 / no agency contract is in force on {as_of}"
    covering = [offer for offer in offers.to_pylist() if _covers_any(offer, candidates)]
    if not covering:
        return "没有合同覆盖这些案件的账龄或金额 / no contract covers these cases' buckets or amounts"
    if all(offer["free_capacity"] == 0 for offer in covering):
        return "所有机构的案件容量已满 / every agency is at its capacity"
    return "候选案件都不能委给这些机构（如曾被其收回） / no candidate may go to these agencies (e.g. recalled from them)"


def _covers_any(offer: dict, candidates: pa.Table) -> bool:
    """Whether the offer's contract takes at least one candidate by bucket and overdue amount."""
    fits = pc.is_in(candidates.column("bucket"), value_set=pa.array(offer["buckets"], pa.string()))
    fits = pc.and_(fits, pc.greater_equal(candidates.column("overdue"), offer["min_amount"]))
    if offer["max_amount"] is not None:
        fits = pc.and_(fits, pc.less_equal(candidates.column("overdue"), offer["max_amount"]))
    return bool(pc.any(fits).as_py())


def requires_outsourcing_notice(profile_name: str | None = None) -> bool:
    return any(rule.kind == "outsourcing_notice" for rule in lender_profile(profile_name).rules)


def offers_on(as_of: dt.date) -> pa.Table:
    """One offer per whitelisted agency with a contract in force (its latest), weighted by its score."""
    from arrears.agencies.scoring import scorecards

    contracts = (
        Contract.objects.filter(valid_from__lte=as_of, valid_until__gte=as_of, agency__status=AgencyStatus.WHITELISTED)
        .select_related("agency").order_by("agency_id", "-valid_from", "-id")
    )
    latest: dict[int, Contract] = {}
    for contract in contracts:
        latest.setdefault(contract.agency_id, contract)
    open_counts = _open_counts()
    scores = {card.agency_id: card.total for card in scorecards(as_of)}
    rows = [
        {
            "agency_id": c.agency_id,
            "contract_id": c.id,
            "buckets": list(c.buckets),
            "min_amount": c.min_amount,
            "max_amount": c.max_amount,
            "placement_days": c.placement_days,
            "weight": max(scores.get(c.agency_id, 1), 1),
            "free_capacity": max(c.agency.capacity - open_counts.get(c.agency_id, 0), 0),
        }
        for c in latest.values()
    ]
    return pa.Table.from_pylist(rows, schema=OFFERS_SCHEMA)


def _open_counts() -> dict[int, int]:
    from django.db.models import Count

    return dict(
        Placement.objects.filter(state__in=OPEN_STATES).values("agency_id").annotate(n=Count("id")).values_list("agency_id", "n")
    )


def _notice_instant(as_of: dt.date) -> dt.datetime:
    """Notices go out with the night's other contacts, at 10:00 in the lender's zone (arrears.workday)."""
    return contact_instant(as_of)


@transaction.atomic
def _write_placements(allocated: pa.Table, candidates: pa.Table, as_of: dt.date, *, now, notice_required: bool) -> tuple[int, int]:
    """Placements written, and how many of them wait for the notice."""
    if allocated.num_rows == 0:
        return 0, 0
    rows = allocated.to_pylist()
    notices: dict[int, tuple[int, bool]] = {}
    if notice_required:
        notices = _notices(rows, candidates, as_of)
    placements = Placement.objects.bulk_create(
        [
            Placement(
                loan_id=row["loan_id"],
                agency_id=row["agency_id"],
                contract_id=row["contract_id"],
                placed_on=as_of,
                expires_on=as_of + dt.timedelta(days=row["placement_days"]),
                state=PlacementState.ACTIVE if _told(row, notices, notice_required) else PlacementState.AWAITING_NOTICE,
                arm=row["arm"],
                bucket=row["bucket"],
                overdue_at_placement=row["overdue"],
                balance_at_placement=row["balance"],
                notice_id=notices[row["loan_id"]][0] if row["loan_id"] in notices else None,
                activated_on=as_of if _told(row, notices, notice_required) else None,
            )
            for row in rows
        ],
        batch_size=1000,
    )
    events = [PlacementEvent(placement_id=p.pk, kind=PlacementEventKind.PLACED, on_date=as_of, at=now) for p in placements]
    events += [
        PlacementEvent(placement_id=p.pk, kind=PlacementEventKind.ACTIVATED, on_date=as_of, at=now)
        for p in placements if p.state == PlacementState.ACTIVE
    ]
    PlacementEvent.objects.bulk_create(events, batch_size=1000)
    return len(placements), sum(p.state == PlacementState.AWAITING_NOTICE for p in placements)


def _told(row: dict, notices: dict[int, tuple[int, bool]], notice_required: bool) -> bool:
    return not notice_required or notices.get(row["loan_id"], (None, False))[1]


def _notices(rows: list[dict], candidates: pa.Table, as_of: dt.date) -> dict[int, tuple[int, bool]]:
    """The notice of each placed case: (attempt id, already sent). A notice the strategy already sent
    or queued (template placement_notice, its letter at DPD 31) is reused; otherwise an
    `outsourcing_notice` is created for the outbox — an SMS to the borrower's mobile, whose delivery
    receipt shows they were told (a printed letter shows only that it was posted), else a letter to
    a verified address."""
    from arrears.contact.models import ContactAttempt

    loan_ids = [row["loan_id"] for row in rows]
    found: dict[int, tuple[int, bool]] = {}
    for chunk in _chunks(loan_ids):
        for loan_id, pk, state in (
            ContactAttempt.objects.filter(loan_id__in=chunk, template__in=NOTICE_TEMPLATES, party="debtor")
            .exclude(state__in=("blocked", "failed")).order_by("loan_id", "pk").values_list("loan_id", "id", "state")
        ):
            if loan_id not in found or state in ("sent", "done"):
                found[loan_id] = (pk, state in ("sent", "done"))
    contact = {
        row["loan_id"]: (row["mobile_id"], row["address_id"])
        for row in candidates.select(["loan_id", "mobile_id", "address_id"]).to_pylist()
    }
    instant = _notice_instant(as_of)
    missing = [loan_id for loan_id in loan_ids if loan_id not in found]
    ContactAttempt.objects.bulk_create(
        [
            ContactAttempt(
                idempotency_key=f"L{loan_id}/{'sms' if contact[loan_id][0] else 'letter'}/{NOTICE_TEMPLATE}/{as_of.isoformat()}/agency",
                loan_id=loan_id,
                contact_point_id=contact[loan_id][0] or contact[loan_id][1],
                channel="sms" if contact[loan_id][0] else "letter",
                template=NOTICE_TEMPLATE,
                planned_for=instant,
                as_of=as_of,
                segment=AGENCY_POOL,
                rule="agencies/outsourcing_notice",
            )
            for loan_id in missing
        ],
        batch_size=1000,
        ignore_conflicts=True,  # a re-run on the same day finds the notice it made
    )
    for chunk in _chunks(missing):
        for loan_id, pk in ContactAttempt.objects.filter(
            loan_id__in=chunk, template=NOTICE_TEMPLATE, rule="agencies/outsourcing_notice", as_of=as_of
        ).values_list("loan_id", "id"):
            found[loan_id] = (pk, False)
    return found


@transaction.atomic
def activate_notified(as_of: dt.date, *, now: dt.datetime) -> int:
    """Placements whose borrower has been told (the notice was sent) become visible to the agency."""
    waiting = Placement.objects.filter(
        state=PlacementState.AWAITING_NOTICE, notice__state__in=("sent", "done"), expires_on__gt=as_of
    )
    ids = list(waiting.values_list("id", flat=True))
    for chunk in _chunks(ids):
        Placement.objects.filter(id__in=chunk).update(state=PlacementState.ACTIVE, activated_on=as_of)
    PlacementEvent.objects.bulk_create(
        [PlacementEvent(placement_id=pk, kind=PlacementEventKind.ACTIVATED, on_date=as_of, at=now) for pk in ids],
        batch_size=1000,
    )
    return len(ids)


def end_placements(as_of: dt.date, *, now: dt.datetime) -> dict[str, int]:
    """Automatic ends: a period over expires; a contract ended, an agency no longer whitelisted, or an
    account no longer overdue (paid, cured, made current by a plan) recalls: an agency has nothing to
    collect from a borrower who owes nothing overdue, and must not go on contacting them."""
    from django.db.models import Exists, OuterRef, Q

    from arrears.cycle.models import AccountState

    expired = _end(
        Placement.objects.filter(state__in=OPEN_STATES, expires_on__lte=as_of),
        state=PlacementState.EXPIRED, kind=PlacementEventKind.EXPIRED, as_of=as_of, now=now,
        reason="委案期满 / the placement period ended", ended_on=None,
    )
    recalled = _end(
        Placement.objects.filter(state__in=OPEN_STATES).filter(
            Q(contract__valid_until__lt=as_of) | ~Q(agency__status=AgencyStatus.WHITELISTED)
        ),
        state=PlacementState.RECALLED, kind=PlacementEventKind.RECALLED, as_of=as_of, now=now,
        reason="合同终止或机构不在白名单 / the contract ended or the agency is no longer whitelisted", ended_on=as_of,
    )
    recalled += _end(
        Placement.objects.filter(state__in=OPEN_STATES).filter(
            Exists(AccountState.objects.filter(loan_id=OuterRef("loan_id"), days_past_due=0))
        ),
        state=PlacementState.RECALLED, kind=PlacementEventKind.RECALLED, as_of=as_of, now=now,
        reason="账户已不再逾期 / the account is no longer overdue", ended_on=as_of,
    )
    return {"expired": expired, "recalled": recalled}


@transaction.atomic
def _end(queryset, *, state, kind, as_of, now, reason, ended_on, by=None) -> int:
    """End placements: access stops at once and the data shared for them is marked for deletion."""
    rows = list(queryset.select_for_update().values_list("id", "expires_on"))
    if not rows:
        return 0
    ids = [pk for pk, _ in rows]
    for chunk in _chunks(ids):
        Placement.objects.filter(id__in=chunk).update(
            state=state, ended_on=ended_on or as_of, end_reason=reason[:300], data_deletion_marked_at=now
        )
    if ended_on is None:  # an expiry ends on the day the period ran out, not on the day it was noticed
        from django.db.models import F

        for chunk in _chunks(ids):
            Placement.objects.filter(id__in=chunk).update(ended_on=F("expires_on"))
    PlacementEvent.objects.bulk_create(
        [PlacementEvent(placement_id=pk, kind=kind, on_date=as_of, at=now, reason=reason[:300], by=by) for pk in ids],
        batch_size=1000,
    )
    return len(ids)


def recall(placement: Placement, *, reason: str, by, on_date: dt.date | None = None, now: dt.datetime | None = None) -> None:
    """A manual recall (e.g. after a complaint): the agency loses access at once."""
    from arrears.errors import InputError

    if not reason.strip():
        raise InputError("收回须说明原因", "A recall needs a reason")
    now = now or clock.now()
    on_date = on_date or timezone.localdate(now)
    ended = _end(
        Placement.objects.filter(pk=placement.pk, state__in=OPEN_STATES),
        state=PlacementState.RECALLED, kind=PlacementEventKind.RECALLED, as_of=on_date, now=now,
        reason=reason.strip(), ended_on=on_date, by=by,
    )
    if not ended:
        raise InputError("该委案已结束，无法收回", "This placement has already ended and cannot be recalled")


CHUNK = 900  # below SQLite's bound-parameter limit on older builds


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
