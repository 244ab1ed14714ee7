"""The model's features equal a slow per-account reference on hand-made histories, and never leak.

The reference below walks each account's rows one by one in plain Python, from the definitions in
the feature list; the product computes them set-based in DuckDB. Hypothesis makes the histories
(states, payments with partial payments, reversals and waivers, contact attempts on every channel,
promises judged before and after the day, plans, dispute holds) with bounded examples.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.contact.outcomes import REACHED
from arrears.intelligence.features import FEATURE_NAMES, LOOKBACK_DAYS, Sources, compute

BASE = dt.date(2026, 3, 1)
SPAN = 90  # days of made-up history
CHANNELS = ("sms", "call", "visit", "email", "app_push", "letter")
STATES = ("sent", "done", "blocked", "failed")
OUTCOMES = ("", "right_party_contact", "no_answer", "promise", "dispute", "delivered", "wrong_number")
MADE = ("sent", "done")


def day(n: int) -> dt.date:
    return BASE + dt.timedelta(days=n)


@st.composite
def account(draw, loan_id: int):
    start = draw(st.integers(0, 30))
    length = draw(st.integers(1, SPAN - start))
    states = []
    for offset in range(length):
        dpd = draw(st.sampled_from((0, 0, 5, 17, 33, 64, 95)))
        status = draw(st.sampled_from(("delinquent",) * 6 + ("charged_off",))) if dpd else "current"
        overdue = draw(st.integers(0, 50_000)) if dpd else 0
        balance = draw(st.integers(0, 200_000))
        states.append({
            "loan_id": loan_id, "as_of": day(start + offset), "days_past_due": dpd,
            "bucket": f"M{min(1 + dpd // 30, 6)}" if dpd else "C", "status": status,
            "overdue_principal": overdue, "overdue_interest": overdue // 10, "fee_outstanding": draw(st.integers(0, 500)),
            "penalty_outstanding": draw(st.integers(0, 300)), "principal_outstanding": balance, "balance": balance + overdue,
        })
    payments = []
    for index in range(draw(st.integers(0, 6))):
        payments.append({
            "id": loan_id * 100 + index, "loan_id": loan_id, "amount": draw(st.integers(1, 30_000)),
            "value_date": day(draw(st.integers(0, SPAN))), "channel": draw(st.sampled_from(("bank", "bank", "waiver"))),
            "reverses_id": None,
        })
    for index, paid in enumerate(list(payments)):
        if paid["channel"] != "waiver" and draw(st.booleans()) and draw(st.booleans()):
            later = draw(st.integers(0, 20))
            payments.append({
                "id": loan_id * 100 + 50 + index, "loan_id": loan_id, "amount": -paid["amount"],
                "value_date": min(paid["value_date"] + dt.timedelta(days=later), day(SPAN)), "channel": "reversal",
                "reverses_id": paid["id"],
            })
    attempts = [
        {"loan_id": loan_id, "channel": draw(st.sampled_from(CHANNELS)), "state": draw(st.sampled_from(STATES)),
         "outcome": draw(st.sampled_from(OUTCOMES)), "day": day(draw(st.integers(0, SPAN)))}
        for _ in range(draw(st.integers(0, 8)))
    ]
    promises = []
    for _ in range(draw(st.integers(0, 3))):
        promised = draw(st.integers(0, SPAN - 5))
        judged = draw(st.one_of(st.none(), st.integers(promised + 1, SPAN)))
        promises.append({
            "loan_id": loan_id, "promised_on": day(promised), "due_date": day(promised + 3),
            "state": draw(st.sampled_from(("kept", "partly_kept", "broken"))) if judged is not None else "pending",
            "judged_on": None if judged is None else day(judged),
        })
    plans = []
    for _ in range(draw(st.integers(0, 2))):
        made = draw(st.integers(0, SPAN - 1))
        broken = draw(st.one_of(st.none(), st.integers(made + 1, SPAN)))
        plans.append({"loan_id": loan_id, "day": day(made), "broken_on": None if broken is None else day(broken)})
    holds = [
        {"loan_id": loan_id, "kind": draw(st.sampled_from(("dispute_open", "bankruptcy"))), "day": day(draw(st.integers(0, SPAN)))}
        for _ in range(draw(st.integers(0, 2)))
    ]
    loan = {"loan_id": loan_id, "external_id": f"L{loan_id}", "product": draw(st.sampled_from(("CASH", "POS"))),
            "principal": 100_000, "term_months": 12, "annual_rate_bp": 1500, "start_date": day(-draw(st.integers(0, 400)))}
    return {"loan": loan, "states": states, "payments": payments, "attempts": attempts, "promises": promises,
            "plans": plans, "holds": holds}


@st.composite
def book(draw):
    return [draw(account(loan_id)) for loan_id in range(1, draw(st.integers(1, 4)) + 1)]


SCHEMAS = {
    "states": pa.schema([("loan_id", pa.int64()), ("as_of", pa.date32()), ("days_past_due", pa.int64()),
                         ("bucket", pa.string()), ("status", pa.string()), ("overdue_principal", pa.int64()),
                         ("overdue_interest", pa.int64()), ("fee_outstanding", pa.int64()),
                         ("penalty_outstanding", pa.int64()), ("principal_outstanding", pa.int64()),
                         ("balance", pa.int64())]),
    "loans": pa.schema([("loan_id", pa.int64()), ("external_id", pa.string()), ("product", pa.string()),
                        ("principal", pa.int64()), ("term_months", pa.int64()), ("annual_rate_bp", pa.int64()),
                        ("start_date", pa.date32())]),
    "payments": pa.schema([("id", pa.int64()), ("loan_id", pa.int64()), ("amount", pa.int64()),
                           ("value_date", pa.date32()), ("channel", pa.string()), ("reverses_id", pa.int64())]),
    "attempts": pa.schema([("loan_id", pa.int64()), ("channel", pa.string()), ("state", pa.string()),
                           ("outcome", pa.string()), ("day", pa.date32())]),
    "promises": pa.schema([("loan_id", pa.int64()), ("promised_on", pa.date32()), ("due_date", pa.date32()),
                           ("state", pa.string()), ("judged_on", pa.date32())]),
    "plans": pa.schema([("loan_id", pa.int64()), ("day", pa.date32()), ("broken_on", pa.date32())]),
    "holds": pa.schema([("loan_id", pa.int64()), ("kind", pa.string()), ("day", pa.date32())]),
}


def sources_of(accounts, last: dt.date) -> Sources:
    rows = {name: [] for name in SCHEMAS}
    for one in accounts:
        rows["loans"].append(one["loan"])
        for name in ("states", "payments", "attempts", "promises", "plans", "holds"):
            rows[name] += one[name]
    tables = {name: pa.Table.from_pylist(rows[name], schema=SCHEMAS[name]) for name in SCHEMAS}
    return Sources(last=last, **tables)


def cut(accounts, last: dt.date):
    """What the database held on `last`: no row dated after it, no judgement made after it."""
    kept = []
    for one in accounts:
        promises = [
            {**p, "state": "pending", "judged_on": None} if p["judged_on"] and p["judged_on"] > last else p
            for p in one["promises"] if p["promised_on"] <= last
        ]
        plans = [{**p, "broken_on": None} if p["broken_on"] and p["broken_on"] > last else p
                 for p in one["plans"] if p["day"] <= last]
        kept.append({
            "loan": one["loan"],
            "states": [s for s in one["states"] if s["as_of"] <= last],
            "payments": [p for p in one["payments"] if p["value_date"] <= last],
            "attempts": [a for a in one["attempts"] if a["day"] <= last],
            "promises": promises, "plans": plans,
            "holds": [h for h in one["holds"] if h["day"] <= last],
        })
    return kept


# ---- the slow reference: one account, one day, row by row ----

def recovered(payment, payments, until: dt.date) -> bool:
    return (payment["reverses_id"] is None and payment["channel"] != "waiver"
            and not any(r["reverses_id"] == payment["id"] and r["value_date"] <= until for r in payments))


def months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def reference(one, on: dt.date, horizon: int | None = None, share_pct: int = 50) -> dict | None:
    state = next((s for s in one["states"] if s["as_of"] == on), None)
    if state is None or state["days_past_due"] <= 0 or state["status"] in ("charged_off", "settled", "closed"):
        return None

    def within(d, days):
        return d is not None and on - dt.timedelta(days=days) < d <= on

    ordered = sorted(one["states"], key=lambda s: s["as_of"])
    previous = {s["as_of"]: (ordered[i - 1]["days_past_due"] if i else None) for i, s in enumerate(ordered)}
    window = [s for s in ordered if within(s["as_of"], LOOKBACK_DAYS)]
    last90 = [s for s in window if within(s["as_of"], 90)]
    ago = next((s["days_past_due"] for s in ordered if s["as_of"] == on - dt.timedelta(days=30)), 0)
    by_day = {s["as_of"]: s for s in ordered}
    paid = [p for p in one["payments"] if within(p["value_date"], LOOKBACK_DAYS) and recovered(p, one["payments"], on)]
    attempts = [a for a in one["attempts"] if within(a["day"], LOOKBACK_DAYS)]
    made = [a for a in attempts if a["state"] in MADE]
    rpcs = [a for a in attempts if a["outcome"] in REACHED]
    promises = [p for p in one["promises"] if within(p["promised_on"], LOOKBACK_DAYS)]
    plans = [p for p in one["plans"] if within(p["day"], LOOKBACK_DAYS)]
    overdue = state["overdue_principal"] + state["overdue_interest"] + state["fee_outstanding"] + state["penalty_outstanding"]
    loan = one["loan"]
    row = {
        "dpd": state["days_past_due"],
        "bucket_rank": int(state["bucket"][1:]) if state["bucket"].startswith("M") else 0,
        "max_dpd_90": max(s["days_past_due"] for s in last90),
        "days_in_arrears_90": sum(1 for s in last90 if s["days_past_due"] > 0),
        "dpd_30_ago": ago,
        "cures_180": sum(1 for s in window if s["days_past_due"] == 0 and (previous[s["as_of"]] or 0) > 0),
        "buckets_seen_180": len({s["bucket"] for s in window if s["days_past_due"] > 0}),
        "overdue_principal": state["overdue_principal"],
        "overdue_interest": state["overdue_interest"],
        "fee_outstanding": state["fee_outstanding"],
        "penalty_outstanding": state["penalty_outstanding"],
        "principal_outstanding": state["principal_outstanding"],
        "balance": state["balance"],
        "overdue_share_pct": overdue * 100 // state["balance"] if state["balance"] > 0 else 0,
        "paid_30": sum(p["amount"] for p in paid if within(p["value_date"], 30)),
        "paid_180": sum(p["amount"] for p in paid),
        "payments_180": len(paid),
        "partial_payments_180": sum(1 for p in paid if p["value_date"] in by_day and by_day[p["value_date"]]["days_past_due"] > 0),
        "reversals_180": sum(1 for p in one["payments"] if p["reverses_id"] is not None and p["channel"] != "waiver"
                             and within(p["value_date"], LOOKBACK_DAYS)),
        "days_since_payment": (on - max(p["value_date"] for p in paid)).days if paid else LOOKBACK_DAYS + 1,
        "sms_30": sum(1 for a in made if a["channel"] == "sms" and within(a["day"], 30)),
        "calls_30": sum(1 for a in made if a["channel"] == "call" and within(a["day"], 30)),
        "visits_90": sum(1 for a in made if a["channel"] == "visit" and within(a["day"], 90)),
        "other_contacts_30": sum(1 for a in made if a["channel"] in ("email", "app_push", "letter") and within(a["day"], 30)),
        "unanswered_calls_30": sum(1 for a in attempts if a["channel"] == "call" and a["outcome"] == "no_answer"
                                   and within(a["day"], 30)),
        "rpc_30": sum(1 for a in rpcs if within(a["day"], 30)),
        "rpc_90": sum(1 for a in rpcs if within(a["day"], 90)),
        "days_since_rpc": (on - max(a["day"] for a in rpcs)).days if rpcs else LOOKBACK_DAYS + 1,
        "guard_blocks_30": sum(1 for a in attempts if a["state"] == "blocked" and within(a["day"], 30)),
        "promises_180": len(promises),
        "promises_broken_180": sum(1 for p in promises if p["state"] == "broken" and p["judged_on"] and p["judged_on"] <= on),
        "promises_kept_180": sum(1 for p in promises if p["state"] in ("kept", "partly_kept")
                                 and p["judged_on"] and p["judged_on"] <= on),
        "promise_pending": int(any(p["judged_on"] is None or p["judged_on"] > on for p in promises)),
        "plans_180": len(plans),
        "plans_broken_180": sum(1 for p in plans if p["broken_on"] is not None and p["broken_on"] <= on),
        "disputes_180": sum(1 for a in attempts if a["outcome"] == "dispute")
        + sum(1 for h in one["holds"] if h["kind"] == "dispute_open" and within(h["day"], LOOKBACK_DAYS)),
        "product": loan["product"],
        "principal": loan["principal"],
        "term_months": loan["term_months"],
        "annual_rate_bp": loan["annual_rate_bp"],
        "months_on_book": months_between(loan["start_date"], on),
    }
    if horizon is not None:
        end = on + dt.timedelta(days=horizon)

        def ahead(d):
            return on < d <= end

        paid_next = sum(p["amount"] for p in one["payments"] if ahead(p["value_date"]) and recovered(p, one["payments"], end))
        row["paid_next"] = paid_next
        row["label"] = paid_next * 100 >= share_pct * overdue
        row["reached_next"] = any(a["outcome"] in REACHED and ahead(a["day"]) for a in one["attempts"])
        row["plan_next"] = any(ahead(p["day"]) for p in one["plans"])
        row["reminded_next"] = any(a["state"] in MADE and a["channel"] in ("sms", "email", "app_push", "letter")
                                   and ahead(a["day"]) for a in one["attempts"])
    return row


def as_rows(table: pa.Table, columns) -> dict[int, dict]:
    return {row["loan_id"]: {name: row[name] for name in columns} for row in table.to_pylist()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(book(), st.integers(20, SPAN - 31), st.sampled_from((30, 50, 100)))
def test_features_and_label_equal_the_slow_reference(accounts, offset, share_pct):
    on = day(offset)
    table = compute(sources_of(accounts, day(SPAN)), [on], horizon=30, share_pct=share_pct)
    columns = (*FEATURE_NAMES, "paid_next", "label", "reached_next", "plan_next", "reminded_next")
    expected = {}
    for one in accounts:
        row = reference(one, on, horizon=30, share_pct=share_pct)
        if row is not None:
            expected[one["loan"]["loan_id"]] = row
    assert as_rows(table, columns) == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(book(), st.integers(1, SPAN - 1))
def test_no_feature_uses_a_row_dated_after_the_day(accounts, offset):
    """The features on a day from the whole history equal those from what was held that day."""
    on = day(offset)
    everything = compute(sources_of(accounts, day(SPAN)), [on])
    held_then = compute(sources_of(cut(accounts, on), on), [on])
    assert as_rows(everything, FEATURE_NAMES) == as_rows(held_then, FEATURE_NAMES)


def test_a_future_reversal_does_not_unrecover_a_payment_today():
    """A payment reversed after the day still counts as recovered on the day (the one definition)."""
    accounts = [{
        "loan": {"loan_id": 1, "external_id": "L1", "product": "CASH", "principal": 1, "term_months": 1,
                 "annual_rate_bp": 1, "start_date": day(0)},
        "states": [{**{k: 0 for k in ("overdue_interest", "fee_outstanding", "penalty_outstanding")}, "loan_id": 1,
                    "as_of": day(n), "days_past_due": 10, "bucket": "M1", "status": "delinquent",
                    "overdue_principal": 1000, "principal_outstanding": 5000, "balance": 6000} for n in range(0, 60)],
        "payments": [
            {"id": 1, "loan_id": 1, "amount": 700, "value_date": day(20), "channel": "bank", "reverses_id": None},
            {"id": 2, "loan_id": 1, "amount": -700, "value_date": day(40), "channel": "reversal", "reverses_id": 1},
        ],
        "attempts": [], "promises": [], "plans": [], "holds": [],
    }]
    on_30 = as_rows(compute(sources_of(accounts, day(59)), [day(30)]), ("paid_30", "reversals_180"))
    on_45 = as_rows(compute(sources_of(accounts, day(59)), [day(45)]), ("paid_30", "reversals_180"))
    assert on_30[1] == {"paid_30": 700, "reversals_180": 0}
    assert on_45[1] == {"paid_30": 0, "reversals_180": 1}


def test_a_label_window_past_the_sources_is_refused():
    with pytest.raises(ValueError):
        compute(sources_of([], day(10)), [day(5)], horizon=30)
