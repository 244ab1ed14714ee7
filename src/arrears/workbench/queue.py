"""The in-house work queue: which open cases are in it, in what order, and who takes which next.

The queue's columns live on the case (`in_queue`, `segment`, `priority`, `expected_value`,
`days_past_due`, …) so that listing and claiming read one indexed table. `refresh_queue` fills
them set-based (a few UPDATE … FROM statements over the whole book, no loop per account) from:
- the latest plan (`strategy_plannedaction`): a case is in the queue when its segment's owner is
  the in-house queue; its priority is the segment's priority in the strategy in force;
- the night's account state: days past due, bucket, overdue amount; expected value is the overdue
  amount × the propensity to pay, the loan's latest score / 1000 (scores feed; a case without a
  score counts at the average score of the scored open cases, and with no scores at all expected
  value is the overdue amount);
- promises: a broken promise puts the case back in the queue, above the others, until someone
  works it again.
`ensure_fresh` runs the refresh when a newer plan, cycle run, promise judgement or scores import
exists.

Order: priority, then expected value, then days past due (all descending), then case id. Three
partial indexes (open cases in the queue only) hold that order per team, per assignee and over
the whole queue, so a page reads about as many index entries as it shows (decision 0009).
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass
from itertools import islice

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from arrears.access.scope import Action, _is_admin, holds_permissions, sees_whole_book, team_ids_of
from arrears.cases.models import CollectionCase
from arrears.ledger.records import MAX_SCORE
from arrears import clock
from arrears.intelligence.arm import rank_queue as rank_optimised_arm

INTERNAL_QUEUE_OWNER = "internal_queue"
BROKEN_PROMISE_PRIORITY = 100  # above every segment's priority (0–99): a broken promise comes first
LEASE = dt.timedelta(minutes=10)
QUEUE_ORDER = ("-priority", "-expected_value", "-days_past_due", "pk")
QUEUE_COLUMNS = ("priority", "expected_value", "days_past_due", "pk")


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue list is narrowed to; every field optional.

    assignee: "me", "unassigned", or a user id as text.
    """

    buckets: tuple[str, ...] = ()
    dpd_min: int | None = None
    dpd_max: int | None = None
    segment: str = ""
    promise_state: str = ""
    assignee: str = ""


def _in_queue(filters: QueueFilter, user) -> QuerySet:
    """Open cases in the queue, narrowed by `filters` (but not by scope)."""
    cases = CollectionCase.objects.filter(in_queue=True, closed_on__isnull=True)
    if filters.buckets:
        cases = cases.filter(bucket__in=filters.buckets)
    if filters.dpd_min is not None:
        cases = cases.filter(days_past_due__gte=filters.dpd_min)
    if filters.dpd_max is not None:
        cases = cases.filter(days_past_due__lte=filters.dpd_max)
    if filters.segment:
        cases = cases.filter(segment=filters.segment)
    if filters.promise_state:
        cases = cases.filter(promise_state=filters.promise_state)
    if filters.assignee == "me":
        cases = cases.filter(assignee=user)
    elif filters.assignee == "unassigned":
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        cases = cases.filter(assignee_id=int(filters.assignee))
    return cases


def _branches(user, cases: QuerySet, *, unassigned_only: bool = False) -> list[QuerySet]:
    """`cases` split into parts that each read one queue index in working order.

    Scope is "assigned to me, or in one of my teams": an OR that no index serves in order, so it
    is asked as one query per team plus one for my cases outside my teams, merged in Python.
    """
    if not holds_permissions(user, Action.VIEW):
        return []
    if sees_whole_book(user):
        return [cases.filter(assignee__isnull=True) if unassigned_only else cases]
    teams = sorted(team_ids_of(user))
    per_team = [cases.filter(team_id=team) for team in teams]
    if unassigned_only:
        per_team = [part.filter(assignee__isnull=True) for part in per_team]
    outside_teams = cases.filter(assignee=user).filter(Q(team__isnull=True) | ~Q(team__in=teams))
    return [*per_team, outside_teams]


def _working_order_key(row: tuple) -> tuple:
    priority, expected_value, days_past_due, pk = row
    return (-priority, -expected_value, -days_past_due, pk)


def _in_order(parts: list[QuerySet], stop: int) -> list[tuple]:
    """The first `stop` (priority, expected value, dpd, id) rows of the parts together, in working order."""
    heads = [part.order_by(*QUEUE_ORDER).values_list(*QUEUE_COLUMNS)[:stop] for part in parts]
    return list(islice(heapq.merge(*heads, key=_working_order_key), stop))


class QueueIds:
    """The case ids of a user's queue in working order: countable and sliceable, as a Paginator wants.

    Each page reads, per branch, only the rows up to the page's end along its index; the count
    reads the same indexes (SQLite counts them without touching the table).
    """

    def __init__(self, user, filters: QueueFilter = QueueFilter()) -> None:
        self._parts = _branches(user, _in_queue(filters, user))
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = sum(part.count() for part in self._parts)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window):
        if isinstance(window, int):
            found = self[window : window + 1]
            if not found:
                raise IndexError(window)
            return found[0]
        start, stop = window.start or 0, window.stop
        if stop is None:
            stop = self.count()
        if start < 0 or stop < start:
            raise ValueError("queue windows are forward slices")
        return [row[-1] for row in _in_order(self._parts, stop)[start:]]


def queue_ids(user, filters: QueueFilter = QueueFilter()) -> QueueIds:
    """The queue `user` may see, filtered, as ids in working order (priority, expected value, dpd, id)."""
    return QueueIds(user, filters)


def loaded(case_ids) -> list[CollectionCase]:
    """The cases of one page, in the order of `case_ids`, with what the queue shows of each.

    The queue is ordered and cut on the cases table alone, then only the page's rows are joined:
    joining the loan and borrower before the sort would join every case a team has.
    """
    ids = list(case_ids)
    by_id = CollectionCase.objects.select_related("loan__borrower", "assignee", "team").in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def _claimable_parts(user, now: dt.datetime) -> list[QuerySet]:
    """Per index, the cases `user` may take now: their own, and their teams' unassigned ones (any, for an admin).

    Not leased to anyone else, not yet worked today.
    """
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    worked_today = Q(last_worked_at__gte=start_of_day)
    cases = CollectionCase.objects.filter(in_queue=True, closed_on__isnull=True).filter(free).exclude(worked_today)
    cases = cases.exclude(leased_by=user)
    if not holds_permissions(user, Action.VIEW):
        return []
    own = cases.filter(assignee=user)
    if _is_admin(user):
        return [own, cases.filter(assignee__isnull=True)]
    return [own, *(cases.filter(team_id=team, assignee__isnull=True) for team in sorted(team_ids_of(user)))]


def next_account(user, *, now: dt.datetime | None = None) -> CollectionCase | None:
    """Hand `user` the first case of their queue that nobody else holds, and lease it to them.

    Safe under concurrency: on PostgreSQL each candidate row is locked with SKIP LOCKED, so two
    collectors asking at once get different cases; on SQLite the write transaction is taken at
    BEGIN (IMMEDIATE), so claims run one after the other. The lease's condition is checked again
    in the UPDATE itself. The user's earlier leases are released. Cases worked today are left out.
    """
    now = now or clock.now()
    ensure_fresh()
    for _attempt in range(3):
        with transaction.atomic():
            candidates = []
            for part in _claimable_parts(user, now):
                ordered = part.order_by(*QUEUE_ORDER)
                if connection.features.has_select_for_update_skip_locked:
                    # lock only the row taken from each part: a wider lock would hide others from colleagues
                    ordered = ordered.select_for_update(skip_locked=True, of=("self",))
                first = ordered.first()
                if first is not None:
                    candidates.append(first)
            if not candidates:
                return None
            case = min(candidates, key=lambda c: _working_order_key(
                (c.priority, c.expected_value, c.days_past_due, c.pk)))
            claimed = (
                CollectionCase.objects.filter(pk=case.pk, version=case.version)
                .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
                .update(
                    leased_by=user,
                    lease_until=now + LEASE,
                    assignee=case.assignee or user,
                    version=case.version + 1,
                )
            )
            if claimed:
                CollectionCase.objects.filter(leased_by=user).exclude(pk=case.pk).update(
                    leased_by=None, lease_until=None
                )
                return CollectionCase.objects.select_related("loan").get(pk=case.pk)
    return None


# --- refreshing the queue's columns, set-based --------------------------------------------------


Sources = tuple[dt.date | None, int | None, dt.date | None, int | None]
"""What the queue columns derive from: plan day, cycle run, last promise judgement, scores import."""
_MARKED = ("plan_as_of", "cycle_run_id", "promises_judged_as_of", "scores_import_id")


def _current_sources() -> Sources:
    from arrears.cycle.models import CycleRun
    from arrears.ledger.models import FeedImport
    from arrears.promises.models import Promise
    from arrears.strategy.models import PlannedAction

    plan_as_of = PlannedAction.objects.order_by("-as_of").values_list("as_of", flat=True).first()
    run_id = (
        CycleRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-pk").values_list("pk", flat=True).first()
    )
    judged = Promise.objects.exclude(judged_on=None).order_by("-judged_on").values_list("judged_on", flat=True).first()
    scores = (
        FeedImport.objects.filter(kind="scores", finished_at__isnull=False).order_by("-pk").values_list("pk", flat=True).first()
    )
    return plan_as_of, run_id, judged, scores


def _marked(marker) -> Sources:
    return tuple(getattr(marker, name) for name in _MARKED)


def ensure_fresh() -> bool:
    """Refresh the queue's columns if a newer plan, cycle run, promise judgement or scores import
    exists; True if it did."""
    from arrears.workbench.models import QueueRefresh

    sources = _current_sources()
    marker = QueueRefresh.objects.first()
    if marker and _marked(marker) == sources:
        return False
    with transaction.atomic():
        marker = QueueRefresh.objects.select_for_update().first() or QueueRefresh.objects.create()
        if _marked(marker) == sources:
            return False  # another request refreshed while this one waited for the lock
        refresh_queue(sources[0])
        for name, value in zip(_MARKED, sources, strict=True):
            setattr(marker, name, value)
        marker.refreshed_at = clock.now()
        marker.save()
    return True


def refresh_queue(plan_as_of: dt.date | None) -> None:
    """Recompute every open case's queue columns (see the module's docstring)."""
    case = CollectionCase._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {case} SET in_queue = FALSE WHERE closed_on IS NOT NULL AND in_queue")
        cursor.execute(
            f"""UPDATE {case} SET
                  days_past_due = s.days_past_due,
                  bucket = s.bucket,
                  overdue_amount = s.overdue,
                  expected_value = s.overdue
                FROM (SELECT loan_id, days_past_due, bucket,
                             overdue_principal + overdue_interest + fee_outstanding + penalty_outstanding AS overdue
                      FROM cycle_accountstate) s
                WHERE s.loan_id = {case}.loan_id AND {case}.closed_on IS NULL"""
        )
        _weigh_by_scores(cursor, case)
        cursor.execute(f"UPDATE {case} SET in_queue = FALSE, segment = '', priority = 0 WHERE closed_on IS NULL")
        if plan_as_of is not None:
            priorities, params = _segment_priorities(plan_as_of)
            cursor.execute(
                f"""UPDATE {case} SET
                      segment = p.segment,
                      in_queue = (p.owner = %s),
                      priority = {priorities}
                    FROM (SELECT loan_id, MIN(segment) AS segment, MIN(owner) AS owner
                          FROM strategy_plannedaction WHERE as_of = %s GROUP BY loan_id) p
                    WHERE p.loan_id = {case}.loan_id AND {case}.closed_on IS NULL""",
                [INTERNAL_QUEUE_OWNER, *params, connection.ops.adapt_datefield_value(plan_as_of)],
            )
            rank_optimised_arm(cursor, case, plan_as_of)  # a challenger ranked by the model (intelligence.arm)
        cursor.execute(
            f"""UPDATE {case} SET promise_state = COALESCE(
                  (SELECT p.state FROM promises_promise p WHERE p.loan_id = {case}.loan_id
                   ORDER BY p.promised_on DESC, p.id DESC LIMIT 1), '')
                WHERE closed_on IS NULL"""
        )
        # a broken promise not worked since it was judged: back in the queue, first
        cursor.execute(
            f"""UPDATE {case} SET in_queue = TRUE, priority = priority + %s
                FROM (SELECT p.loan_id, MAX(p.judged_on) AS judged_on FROM promises_promise p
                      WHERE p.state = 'broken' GROUP BY p.loan_id) b
                WHERE b.loan_id = {case}.loan_id AND {case}.closed_on IS NULL
                  AND {case}.promise_state = 'broken'
                  AND ({case}.last_worked_at IS NULL OR {case}.last_worked_at < b.judged_on)""",
            [BROKEN_PROMISE_PRIORITY],
        )


def _weigh_by_scores(cursor, case: str) -> None:
    """Expected value = overdue amount × score / MAX_SCORE, from each loan's latest score.

    A case without a score counts at the average latest score of the open cases that have one, so
    a partly scored book does not rank its unscored cases above the scored ones; with no score at
    all, expected value stays the overdue amount.
    """
    latest = (
        "SELECT h.loan_id, h.score FROM ledger_loanscore h "
        "JOIN (SELECT loan_id, MAX(scored_on) AS scored_on FROM ledger_loanscore GROUP BY loan_id) m "
        "ON m.loan_id = h.loan_id AND m.scored_on = h.scored_on"
    )
    cursor.execute(
        f"SELECT COUNT(*), SUM(s.score) FROM ({latest}) s "
        f"JOIN {case} c ON c.loan_id = s.loan_id AND c.closed_on IS NULL"
    )
    scored, total = cursor.fetchone()
    if not scored:
        return
    average = (int(total) * 2 + scored) // (scored * 2)  # rounded half up, in whole points
    cursor.execute(
        f"""UPDATE {case} SET expected_value = overdue_amount * COALESCE(
              (SELECT h.score FROM ledger_loanscore h WHERE h.loan_id = {case}.loan_id
               ORDER BY h.scored_on DESC LIMIT 1), %s) / %s
            WHERE closed_on IS NULL""",
        [average, MAX_SCORE],
    )


def _segment_priorities(plan_as_of: dt.date) -> tuple[str, list]:
    """A CASE expression giving each segment of the strategy in force its priority."""
    from arrears.strategy.versions import strategy_in_force

    segments = strategy_in_force(plan_as_of).segments
    if not segments:
        return "0", []
    whens = " ".join("WHEN %s THEN %s" for _ in segments)
    params: list = []
    for segment in segments:
        params.extend([segment.id, int(segment.priority)])
    return f"CASE p.segment {whens} ELSE 0 END", params
