"""Case events from two consecutive nights' states (pure, on Arrow tables).

opened       the account falls overdue (DPD was 0, or the account is new to the cycle)
cured        DPD returns to 0 and the account is not closed
charged_off  the account is charged off this night
closed       the account is closed this night after having been in collection
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

EVENT_SCHEMA = pa.schema(
    [
        ("loan_id", pa.int64()),
        ("on_date", pa.date32()),
        ("kind", pa.string()),
        ("days_past_due", pa.int64()),
        ("bucket", pa.string()),
    ]
)


def case_events(previous: pa.Table, current: pa.Table, as_of: dt.date) -> pa.Table:
    """`previous`: loan_id, days_past_due, status (may be empty); `current`: the night's state rows."""
    before = previous.select(["loan_id", "days_past_due", "status"]).rename_columns(
        ["loan_id", "previous_dpd", "previous_status"]
    )
    joined = current.select(["loan_id", "days_past_due", "bucket", "status"]).join(
        before, "loan_id", join_type="left outer"
    )
    previous_dpd = pc.fill_null(joined["previous_dpd"], 0)
    previous_status = pc.fill_null(joined["previous_status"], "")
    dpd = joined["days_past_due"]
    status = joined["status"]
    was_in_collection = pc.or_(pc.greater(previous_dpd, 0), pc.equal(previous_status, "charged_off"))
    rules = {
        "opened": pc.and_(pc.greater(dpd, 0), pc.equal(previous_dpd, 0)),
        "cured": pc.and_(
            pc.and_(pc.greater(previous_dpd, 0), pc.equal(dpd, 0)), pc.not_equal(status, "closed")
        ),
        "charged_off": pc.and_(pc.equal(status, "charged_off"), pc.not_equal(previous_status, "charged_off")),
        "closed": pc.and_(
            pc.and_(pc.equal(status, "closed"), pc.not_equal(previous_status, "closed")), was_in_collection
        ),
    }
    pieces = []
    for kind, mask in rules.items():
        chosen = joined.filter(mask)
        pieces.append(
            pa.table(
                {
                    "loan_id": chosen["loan_id"],
                    "on_date": pa.array([as_of] * chosen.num_rows, pa.date32()),
                    "kind": pa.array([kind] * chosen.num_rows, pa.string()),
                    "days_past_due": chosen["days_past_due"],
                    "bucket": chosen["bucket"],
                },
                schema=EVENT_SCHEMA,
            )
        )
    return pa.concat_tables(pieces).sort_by([("loan_id", "ascending"), ("kind", "ascending")])
