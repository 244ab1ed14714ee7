"""Carrying last night's state into tonight: a night that replays only the day's events.

The engine walks each loan's event days in rounds (`_rounds.py`); its state after a loan's last
event day is all the next day needs. A night that keeps those states (the *settled* states) can
start tonight from them and play only tonight's event rows, for every loan whose past is as it
was last night; a loan whose past changed is aged from its start, as on a full night.

Whether a loan's past is as it was is decided by a fingerprint of everything the engine reads
about it up to a day: its terms, its schedule in force, and the payments that count (reversals
taken into account). Last night stored the fingerprint through last night; tonight computes the
same through last night, from tonight's inputs. Equal, the loan is carried; different (a back-dated
payment, a reversal, a corrected loan row, a repayment plan starting or reverting, a product's
terms changed), it is replayed from its start. New loans have no state, and start from the opening.

DuckDB SQL over the engine's input tables (`tables.load_into`). Its `hash` is stable for one DuckDB
release; after an upgrade every fingerprint differs once, and that night is a full one.
"""

from __future__ import annotations

from arrears.cycle.engine._rounds import STATE_COLUMNS

FINGERPRINT_MODULUS = 9_223_372_036_854_775_783  # the largest prime below 2**63: the hash fits a BIGINT

FINGERPRINTS_SQL = """
WITH loans AS (
    SELECT loan_id, start_day,
           hash(principal, start_day, penalty_rate_bp, late_fee, grace_days, cost_cap_bp, charge_off_dpd,
                rank_penalty, rank_fee, rank_interest, rank_principal) AS h
    FROM "{loans}" WHERE start_day <= {as_of}
),
schedule AS (
    SELECT loan_id, bit_xor(hash(seq, due_day, principal, interest)) AS h FROM "{instalments}" GROUP BY loan_id
),
counted AS (
    SELECT p.loan_id, bit_xor(hash(p.payment_id, p.amount, p.value_day)) AS h
    FROM "{payments}" p JOIN loans l ON l.loan_id = p.loan_id
    WHERE p.reverses IS NULL AND p.value_day <= {through} AND p.value_day >= l.start_day
      AND NOT EXISTS (SELECT 1 FROM "{payments}" r WHERE r.reverses = p.payment_id AND r.value_day <= {as_of})
    GROUP BY p.loan_id
)
SELECT l.loan_id,
       CAST(hash(l.h, COALESCE(s.h, 0), COALESCE(c.h, 0)) % {modulus} AS BIGINT) AS fingerprint
FROM loans l
LEFT JOIN schedule s ON s.loan_id = l.loan_id
LEFT JOIN counted c ON c.loan_id = l.loan_id
"""


def fingerprints_sql(inputs: dict[str, str], *, as_of_day: int, through_day: int) -> str:
    """Each loan started by `as_of_day`: the fingerprint of what the engine reads of it through
    `through_day`, with reversals value-dated by `as_of_day` applied."""
    return FINGERPRINTS_SQL.format(
        loans=inputs["loans"], instalments=inputs["instalments"], payments=inputs["payments"],
        as_of=int(as_of_day), through=int(through_day), modulus=FINGERPRINT_MODULUS,
    )


def carried_sql(stored: str, fingerprints: str) -> str:
    """The stored states whose loan's fingerprint tonight equals the one stored with them."""
    columns = ", ".join(f's."{column}"' for column in STATE_COLUMNS)
    return (
        f'SELECT {columns} FROM "{stored}" s JOIN "{fingerprints}" f ON f.loan_id = s.loan_id '
        "WHERE f.fingerprint = s.fingerprint"
    )


def tonight_events_sql(events: str, carried: str, as_of_day: int) -> str:
    """The event rows to play tonight: a carried loan's rows of tonight only, as its first round;
    every row of a loan aged from its start, numbered as before."""
    return (
        "SELECT e.loan_id, e.day, e.kind, e.first, e.second, e.last_row, e.alone, "
        "CASE WHEN c.loan_id IS NULL THEN e.round_no ELSE 1 END AS round_no "
        f'FROM "{events}" e LEFT JOIN "{carried}" c ON c.loan_id = e.loan_id '
        f"WHERE c.loan_id IS NULL OR e.day = {int(as_of_day)} ORDER BY round_no"
    )


def opening_sql(opening: str, carried: str) -> str:
    """Tonight's starting states: the carried ones, and the opening state of every other loan."""
    columns = ", ".join(f'"{column}"' for column in STATE_COLUMNS)
    return (
        f'SELECT {columns} FROM "{carried}" WHERE loan_id IN (SELECT loan_id FROM "{opening}") '
        f'UNION ALL SELECT {columns} FROM "{opening}" WHERE loan_id NOT IN (SELECT loan_id FROM "{carried}")'
    )


_STORED, _FINGERPRINTS, _CARRIED, _SETTLED = (
    "arrears_stored_state", "arrears_fingerprints", "arrears_carried", "arrears_settled",
)


def carry_in(backend, inputs: dict[str, str], stored, as_of_day: int) -> tuple[str, int]:
    """`stored`: last night's kept states (Arrow: loan_id, fingerprint and STATE_COLUMNS, whole
    numbers). Returns the backend table of those to carry tonight, and how many they are."""
    import pyarrow as pa

    backend.con.register(_STORED, stored.cast(pa.schema([(name, pa.int64()) for name in stored.column_names])))
    backend.raw_sql(f'CREATE OR REPLACE TEMPORARY TABLE "{_FINGERPRINTS}" AS '
                    f"{fingerprints_sql(inputs, as_of_day=as_of_day, through_day=as_of_day - 1)}")
    backend.raw_sql(f'CREATE OR REPLACE TEMPORARY TABLE "{_CARRIED}" AS {carried_sql(_STORED, _FINGERPRINTS)}')
    count = backend.raw_sql(f'SELECT COUNT(*) FROM "{_CARRIED}"').fetchone()[0]
    return _CARRIED, int(count)


def to_keep(backend, inputs: dict[str, str], settled, as_of_day: int):
    """Tonight's settled states (Arrow, STATE_COLUMNS) with the fingerprint of each loan's past
    through tonight: loan_id, fingerprint, then the state columns, ordered by loan."""
    backend.con.register(_SETTLED, settled)
    columns = ", ".join(f's."{name}"' for name in STATE_COLUMNS[1:])
    return backend.raw_sql(
        f"SELECT s.loan_id, f.fingerprint, {columns} "
        f'FROM "{_SETTLED}" s JOIN ({fingerprints_sql(inputs, as_of_day=as_of_day, through_day=as_of_day)}) f '
        "ON f.loan_id = s.loan_id ORDER BY s.loan_id"
    ).to_arrow_table()
