"""The optimised arm: a segment's challenger whose in-house calls are ranked by the model and the optimiser.

A strategy hands a segment to the optimiser with `ranking: optimised` on its challenger (docs/strategy.md):

    challenger: {name: optimised, share: 50, ranking: optimised, cadence: [...]}

Each night, after the plan (`optimise_day`, run by the nightly plan step):
- the arm's accounts are the in-house accounts the plan put in such a challenger;
- the promoted model's two heads give each one the chance of paying when reached and offered a plan
  (ability) and when only reminded (willingness; when that head had too few rows to be trained, the
  training rows' observed rate of paying with neither a reach nor a plan, one number for all); the chance a call reaches the borrower is the
  account's own right-party contacts over its calls in 30 days (one of each added, so a new account
  starts at one half);
- the marginal value of a call is what a call adds over doing nothing, not the risk:
  reach × (ability − willingness) × the amount the label counts as paid (the model's share of the
  overdue amount), less the call's cost (`experiments.COST_FEN`);
- the day's allocation (`optimiser.allocate`, HiGHS) picks the accounts to call within the team's
  capacity, the calls made that day; a call the guard blocked in the plan is not a choice;
- the choices are kept (`DailyChoice`) and the queue refresh (`rank_queue`) orders the arm's cases by
  them: chosen first, then by the marginal value. The arm keeps the queue values its accounts would
  have had (they are handed out again in the model's order), so in a segment split between arms each
  arm keeps its share of the team's calls and only the order within the arm changes.
The guard still rules every call when it is made (`check_now`): the arm changes who is called first,
never what is allowed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from arrears.intelligence.experiments import COST_FEN
from arrears.intelligence.optimiser import ACTIONS, Capacity, allocate

CALL = ACTIONS.index("call")
HEADS = ("ability", "willingness")
INTERNAL_QUEUE = "internal_queue"


@dataclass(frozen=True)
class ArmDay:
    as_of: dt.date
    accounts: int
    chosen: int
    capacity: int | None
    skipped_zh: str = ""
    skipped_en: str = ""

    def summary(self) -> dict:
        if not self.accounts and not self.skipped_en:
            return {}
        if self.skipped_en:
            return {"optimised_skipped": self.skipped_en}
        return {"optimised_accounts": self.accounts, "optimised_calls": self.chosen,
                "optimised_capacity": -1 if self.capacity is None else self.capacity}


def optimised_segments(strategy) -> tuple[str, ...]:
    """The ids of the segments whose challenger the optimiser ranks."""
    return tuple(s.id for s in strategy.segments if s.challenger is not None and s.challenger.optimised)


def reach_chance(calls_30: np.ndarray, rpc_30: np.ndarray) -> np.ndarray:
    """The chance a call reaches the borrower: right-party contacts over calls in 30 days, one of each added."""
    calls = np.nan_to_num(np.asarray(calls_30, dtype=float))
    reached = np.nan_to_num(np.asarray(rpc_30, dtype=float))
    return np.clip((reached + 1.0) / (calls + 2.0), 0.0, 1.0)


def call_values(ability: np.ndarray, willingness: np.ndarray, reach: np.ndarray, overdue_fen: np.ndarray,
                share_pct: int, call_cost_fen: int = COST_FEN["call"]) -> np.ndarray:
    """The marginal value of a call in fen: the expected recovery with a call minus without, less its cost."""
    uplift = np.asarray(reach, float) * (np.asarray(ability, float) - np.asarray(willingness, float))
    return uplift * np.asarray(overdue_fen, float) * share_pct / 100.0 - call_cost_fen


def choose_calls(values: np.ndarray, callable_: np.ndarray, capacity: int | None) -> np.ndarray:
    """Which accounts to call (a boolean per account): the day's allocation over none and call."""
    n = len(values)
    matrix = np.zeros((n, len(ACTIONS)))
    matrix[:, CALL] = values
    allowed = np.zeros((n, len(ACTIONS)), dtype=bool)
    allowed[:, 0] = True
    allowed[:, CALL] = callable_
    capacities = [Capacity("calls", int(capacity), (CALL,))] if capacity is not None else []
    if n == 0:
        return np.zeros(0, dtype=bool)
    return allocate(matrix, allowed, capacities) == CALL


def optimise_day(as_of: dt.date) -> ArmDay:
    """Choose and keep the optimised arm's calls for the work day after `as_of`'s night."""
    from django.db import transaction

    from arrears.bulk import BulkConnection
    from arrears.intelligence.features import compute, load_sources
    from arrears.intelligence.models import DailyChoice, TrainedModel
    from arrears.strategy.versions import strategy_in_force

    segments = optimised_segments(strategy_in_force(as_of))
    if not segments:
        return ArmDay(as_of, 0, 0, None)  # no optimised arm in the strategy in force
    model = TrainedModel.objects.filter(state=TrainedModel.State.PROMOTED).first()
    if model is None or "ability" not in model.boosters or unreached_rate(model.card) is None and \
            "willingness" not in model.boosters:
        DailyChoice.objects.filter(as_of=as_of).delete()
        return ArmDay(as_of, 0, 0, None, "没有带还款能力头的已启用模型：优化组按冠军组排序",
                      "no promoted model with the ability head: the optimised arm is ranked as the champion")
    day = as_of.isoformat()
    listed = ", ".join(f"'{segment}'" for segment in segments)
    with BulkConnection.for_django() as db:
        planned = db.fetch(
            "SELECT loan_id, MAX(CASE WHEN channel = 'call' AND allowed THEN 1 ELSE 0 END) AS callable "
            f"FROM strategy_plannedaction WHERE as_of = '{day}' AND arm = 'challenger' AND owner = '{INTERNAL_QUEUE}' "
            f"AND segment IN ({listed}) GROUP BY loan_id")
        made = db.fetch(f"SELECT COUNT(*) AS calls FROM contact_contactattempt WHERE channel = 'call' AND as_of = '{day}'")
        sources = load_sources(db, first=as_of, last=as_of) if planned.num_rows else None
    capacity = int(made.column("calls")[0].as_py() or 0) or None  # the team's calls that day; none counted: no bound
    rows: list[DailyChoice] = []
    if sources is not None:
        table = compute(sources, [as_of])
        wanted = pa.array(planned.column("loan_id").to_pylist(), pa.int64())
        import pyarrow.compute as pc

        table = table.filter(pc.is_in(table.column("loan_id"), value_set=wanted))
        callable_by_loan = dict(zip(planned.column("loan_id").to_pylist(), planned.column("callable").to_pylist(),
                                    strict=True))
        rows = _choices(model, table, callable_by_loan, capacity, as_of)
    with transaction.atomic():
        DailyChoice.objects.filter(as_of=as_of).delete()
        DailyChoice.objects.bulk_create(rows, batch_size=2000)
    return ArmDay(as_of, len(rows), sum(1 for row in rows if row.action == "call"), capacity)


def head_probabilities(model, table) -> dict[str, np.ndarray]:
    import lightgbm as lgb

    from arrears.intelligence.training import Encoder

    x = Encoder(model.card["categories"]).matrix(table)
    found = {head: lgb.Booster(model_str=model.boosters[head]).predict(x) for head in HEADS if head in model.boosters}
    if "willingness" not in found:  # too few reminded-only rows to train it: their observed rate instead
        found["willingness"] = np.full(table.num_rows, unreached_rate(model.card))
    return found


def unreached_rate(card: dict) -> float | None:
    """The training rows' rate of paying when neither reached nor offered a plan in the label window,
    from the card (all rows less the ability head's): what "without a call" means when the willingness
    head could not be trained."""
    train, ability = card.get("train", {}), card.get("heads", {}).get("ability", {})
    rows, rate = train.get("rows"), train.get("positive_rate")
    head_rows, head_rate = ability.get("train_rows"), ability.get("train_positive_rate")
    if None in (rows, rate, head_rows, head_rate) or rows <= head_rows:
        return None
    return max(0.0, (rate * rows - head_rate * head_rows) / (rows - head_rows))


def _column(table, name: str) -> np.ndarray:
    return np.array(table.column(name).to_pylist(), dtype=float)


def _choices(model, table, callable_by_loan: dict, capacity: int | None, as_of: dt.date) -> list:
    from arrears.intelligence.models import DailyChoice

    if table.num_rows == 0:
        return []
    p = head_probabilities(model, table)
    overdue = np.nan_to_num(sum(_column(table, name) for name in
                                ("overdue_principal", "overdue_interest", "fee_outstanding", "penalty_outstanding")))
    reach = reach_chance(_column(table, "calls_30"), _column(table, "rpc_30"))
    values = call_values(p["ability"], p["willingness"], reach, overdue, model.share_pct)
    loans = table.column("loan_id").to_pylist()
    callable_ = np.array([bool(callable_by_loan.get(loan)) for loan in loans])
    chosen = choose_calls(values, callable_, capacity)
    return [
        DailyChoice(as_of=as_of, loan_id=loan, action="call" if pick else "none", call_value=int(round(value)),
                    ability=round(float(a), 4), willingness=round(float(w), 4), reach=round(float(r), 4),
                    model_version=model.version)
        for loan, pick, value, a, w, r in zip(loans, chosen, values, p["ability"], p["willingness"], reach, strict=True)
    ]


def rank_queue(cursor, case_table: str, plan_as_of: dt.date | None) -> None:
    """Order the optimised arm's queued cases by the night's choices (see the module's docstring).

    Within each priority, the arm's own queue values are handed out again, the largest to the case the
    model ranks first: chosen to call, then by the marginal value of a call.
    """
    from django.db import connection

    if plan_as_of is None:
        return
    cursor.execute(
        f"""UPDATE {case_table} SET expected_value = r.value FROM (
              WITH arm AS (
                SELECT c.id, c.priority, c.expected_value,
                       CASE WHEN d.action = 'call' THEN 1 ELSE 0 END AS chosen, d.call_value
                FROM {case_table} c JOIN intelligence_dailychoice d ON d.loan_id = c.loan_id AND d.as_of = %s
                WHERE c.closed_on IS NULL AND c.in_queue),
              by_value AS (SELECT priority, expected_value,
                                  ROW_NUMBER() OVER (PARTITION BY priority ORDER BY expected_value DESC, id) AS n FROM arm),
              by_model AS (SELECT id, priority,
                                  ROW_NUMBER() OVER (PARTITION BY priority ORDER BY chosen DESC, call_value DESC, id) AS n
                           FROM arm)
              SELECT m.id, v.expected_value AS value FROM by_model m
              JOIN by_value v ON v.priority = m.priority AND v.n = m.n
            ) r WHERE r.id = {case_table}.id""",
        [connection.ops.adapt_datefield_value(plan_as_of)],
    )
