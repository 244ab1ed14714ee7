"""The day's allowed electronic and letter actions become contact attempts, set-based.

    enqueue(dt.date(2026, 3, 1))

Each attempt's idempotency key is (account, action, date, attempt): `L<loan>/<channel>/<template>/
<date>/<n>`. A cadence step that allows n attempts a day gives n attempts, ATTEMPT_SPACING apart
from the send hour (a letter is always one); the worker's send-time guard still holds each one to
the profile's caps. The rows are built in Arrow from the plan's table, written to a scratch table in bulk,
and inserted with ON CONFLICT DO NOTHING, so running the step twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arrears import clock
from arrears.bulk import BulkConnection
from arrears.borrower.preferences import PREFERRED_HOURS_SQL
from arrears.strategy.guarding import CONTACT_KIND, SENT_AS, planned_instants
from arrears.workday import contact_instant

OUTBOX_CHANNELS = ("sms", "email", "app_push", "letter")
SCRATCH = "outbox_enqueue_scratch"
ATTEMPT_SPACING = dt.timedelta(hours=2)
"""Between one day's attempts of one action: six attempts from 10:00 end by 20:00 local time."""

ALLOWED_ACTIONS_SQL = f"""
SELECT p.loan_id, p.channel, p.template, p.segment, p.rule, p.attempts, b.time_zone,
       CAST(pref.earliest AS TEXT) AS pref_earliest, CAST(pref.latest AS TEXT) AS pref_latest,
       (SELECT MIN(c.id) FROM ledger_contactpoint c WHERE c.borrower_id = l.borrower_id AND c.owner = 'borrower'
         AND c.kind = 'mobile' AND c.valid) AS mobile_id,
       (SELECT MIN(c.id) FROM ledger_contactpoint c WHERE c.borrower_id = l.borrower_id AND c.owner = 'borrower'
         AND c.kind = 'email' AND c.valid) AS email_id,
       (SELECT MIN(c.id) FROM ledger_contactpoint c WHERE c.borrower_id = l.borrower_id AND c.owner = 'borrower'
         AND c.kind = 'address' AND c.valid) AS address_id
FROM strategy_plannedaction p
JOIN ledger_loan l ON l.id = p.loan_id
JOIN ledger_borrower b ON b.id = l.borrower_id
{PREFERRED_HOURS_SQL.format(borrower="l.borrower_id")}
WHERE p.as_of = ? AND p.allowed AND p.channel IN ({", ".join(f"'{c}'" for c in OUTBOX_CHANNELS + tuple(SENT_AS))})
"""

COLUMNS = (
    "idempotency_key", "loan_id", "contact_point_id", "channel", "party", "template", "state", "planned_for",
    "outcome", "conversation", "segment", "rule", "created_at", "as_of", "subject", "body", "tries", "lease_owner",
    "provider", "provider_message_id", "last_error", "blocked_by", "reasons_zh", "reasons_en",
)


@dataclass(frozen=True)
class Enqueued:
    as_of: dt.date
    allowed_actions: int
    added: int

    def summary(self) -> str:
        return (
            f"{self.as_of}：放行动作 {self.allowed_actions} 个，新加入发件箱 {self.added} 个\n"
            f"{self.as_of}: {self.allowed_actions} allowed actions, {self.added} new attempts in the outbox"
        )


def _send_instants(actions: pa.Table, as_of: dt.date) -> pa.Array:
    """Each action's first send instant (naive UTC): as the plan judged it (strategy.guarding), in
    the borrower's preferred hours when they set some."""
    if "pref_earliest" not in actions.column_names:
        by_zone = {zone: contact_instant(as_of, zone).replace(tzinfo=None) for zone in set(actions.column("time_zone").to_pylist())}
        return pa.array([by_zone[zone] for zone in actions.column("time_zone").to_pylist()], pa.timestamp("us"))
    return pc.cast(planned_instants(actions, as_of), pa.timestamp("us"))


def _one_row_per_attempt(actions: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """Each action repeated by its attempts (1 when absent; a letter always 1), with each row's
    attempt number (1, 2, …)."""
    counts = np.ones(actions.num_rows, dtype=np.int64)
    if "attempts" in actions.column_names:
        counts = np.maximum(pc.fill_null(actions.column("attempts"), 1).to_numpy(zero_copy_only=False).astype(np.int64), 1)
        counts[np.asarray(pc.equal(actions.column("channel"), "letter").to_numpy(zero_copy_only=False), dtype=bool)] = 1
    rows = np.repeat(np.arange(actions.num_rows), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return actions.take(pa.array(rows)), np.arange(len(rows)) - starts + 1


def attempt_rows(actions: pa.Table, as_of: dt.date, now: dt.datetime) -> pa.Table:
    """The attempts for the plan's allowed actions (pure over Arrow)."""
    actions, numbers = _one_row_per_attempt(actions)
    n = actions.num_rows
    channel = actions.column("channel")
    for action, sent_as in SENT_AS.items():
        channel = pc.if_else(pc.equal(channel, action), sent_as, channel)
    contact = {"mobile": "mobile_id", "email": "email_id", "address": "address_id"}
    point = pa.array([None] * n, pa.int64())
    for kind, column in contact.items():
        channels_of_kind = [c for c, k in CONTACT_KIND.items() if k == kind and c in OUTBOX_CHANNELS]
        mask = pc.is_in(channel, pa.array(channels_of_kind))
        point = pc.if_else(mask, pc.cast(actions.column(column), pa.int64()), point)
    date = as_of.isoformat()
    loan = pc.cast(actions.column("loan_id"), pa.string())
    account = pc.binary_join_element_wise(pa.array(["L"] * n), loan, "")
    number = pa.array(numbers.astype(str).tolist(), pa.string())
    key = pc.binary_join_element_wise(account, channel, actions.column("template"), pa.array([date] * n), number, "/")
    later = pa.array((numbers - 1) * int(ATTEMPT_SPACING / dt.timedelta(microseconds=1)), pa.duration("us"))
    planned_for = pc.add(_send_instants(actions, as_of), later)
    text = lambda value: pa.array([value] * n, pa.string())  # noqa: E731
    return pa.table(
        {
            "idempotency_key": key,
            "loan_id": pc.cast(actions.column("loan_id"), pa.int64()),
            "contact_point_id": point,
            "channel": channel,
            "party": text("debtor"),
            "template": actions.column("template"),
            "state": text("planned"),
            "planned_for": planned_for,
            "outcome": text(""),
            "conversation": pa.array([False] * n),
            "segment": actions.column("segment"),
            "rule": actions.column("rule"),
            "created_at": pa.array([now.replace(tzinfo=None)] * n, pa.timestamp("us")),
            "as_of": pa.array([as_of] * n, pa.date32()),
            **{name: text("") for name in ("subject", "body", "lease_owner", "provider", "provider_message_id", "last_error",
                                             "blocked_by", "reasons_zh", "reasons_en")},
            "tries": pa.array([0] * n, pa.int64()),
        }
    ).select(list(COLUMNS))


def enqueue(as_of: dt.date) -> Enqueued:
    now = clock.now()
    with BulkConnection.for_django() as db:
        actions = db.fetch(ALLOWED_ACTIONS_SQL, [as_of.isoformat()] if db.vendor == "sqlite" else [as_of])
        if actions.num_rows == 0:  # (an empty result has no column types to work on)
            return Enqueued(as_of, 0, 0)
        rows = attempt_rows(actions, as_of, now)
        if rows.num_rows == 0:
            return Enqueued(as_of, 0, 0)
        if db.vendor == "sqlite":
            # the text Django itself writes for a whole second (Arrow's %S would add ".000000", which
            # sorts after it and would hide an attempt due at exactly that second)
            for column in ("planned_for", "created_at"):
                rows = rows.set_column(
                    rows.schema.get_field_index(column), column,
                    pc.strftime(pc.cast(rows.column(column), options=pc.CastOptions(pa.timestamp("s"), allow_time_truncate=True)),
                                format="%Y-%m-%d %H:%M:%S"),
                )
        else:
            rows = rows.set_column(rows.schema.get_field_index("planned_for"), "planned_for",
                                   pc.cast(rows.column("planned_for"), pa.timestamp("us", tz="UTC")))
            rows = rows.set_column(rows.schema.get_field_index("created_at"), "created_at",
                                   pc.cast(rows.column("created_at"), pa.timestamp("us", tz="UTC")))
        db.ingest(SCRATCH, rows, mode="replace", temporary=True)
        before = db.fetch("SELECT COUNT(*) AS n FROM contact_contactattempt").column("n")[0].as_py()
        columns = ", ".join(COLUMNS)
        db.execute(
            f"INSERT INTO contact_contactattempt ({columns}) SELECT {columns} FROM {SCRATCH} WHERE 1 = 1 "
            "ON CONFLICT (idempotency_key) DO NOTHING"
        )
        after = db.fetch("SELECT COUNT(*) AS n FROM contact_contactattempt").column("n")[0].as_py()
        db.execute(f"DROP TABLE {SCRATCH}")
        db.commit()
    return Enqueued(as_of, actions.num_rows, after - before)
