"""An account's status from its aged state: closed, charged off, delinquent, cured or current."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from arrears.cycle.models_words import AccountStatusWord as Status


def statuses(accounts: pa.Table) -> pa.Array:
    """Closed wins over charged off, which wins over delinquent; cured is current after delinquency."""
    return pc.case_when(
        pc.make_struct(
            accounts["closed"],
            accounts["charged_off"],
            pc.greater(accounts["days_past_due"], 0),
            accounts["ever_delinquent"],
        ),
        Status.CLOSED.value,
        Status.CHARGED_OFF.value,
        Status.DELINQUENT.value,
        Status.CURED.value,
        Status.CURRENT.value,
    )
