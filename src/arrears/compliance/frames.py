"""The guard over a whole plan at once: every rule, as Ibis expressions, for every action.

The rules are the very objects `decide` uses (rules.py): each rule's `matches` and `blocks` are
called here with Ibis columns instead of Python values. The work is set-based: the actions are
joined once to each source of rows a rule counts, every count is one grouped aggregate, and the
blocking rules are gathered by a union and one more aggregate. Nothing loops over actions.

Local time is found by joining each instant to its zone's offset intervals (local_time.py), so
no engine needs a time-zone database, and the same expressions run on DuckDB or PostgreSQL.

The expressions are built over placeholder tables and compiled to SQL once per profile and
dialect (compiling costs more than judging a small plan); each run loads its inputs into
temporary tables, binds their names into the kept SQL and drops them at the end.

    decisions = decide_frame(action_table(actions), history_table(contexts),
                             context_tables(contexts), load_profile("cn"))
"""

from __future__ import annotations

import functools
import itertools
import os
from dataclasses import fields

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from arrears.compliance import local_time, tables
from arrears.compliance.features import ACTION_FEATURES, SOURCES, Source
from arrears.compliance.quiet_days import calendar_rows
from arrears.compliance.rules import Rule, violation
from arrears.compliance.tables import ContextTables
from arrears.compliance.vocabulary import Channel, Party, Relation, TemplateKind, values
from arrears.errors import InputError

INVALID_ACTION = "guard.invalid_action"
INVALID_REASONS = (
    "行动数据无效（未知的取值、时区或缺失字段）",
    "The action is not valid (an unknown value or time zone, or a missing field)",
)
ROW_PREFIX = "r_"
_DAY = local_time.SECONDS_PER_DAY


class IbisOps:
    """The operators rules use, on Ibis expressions."""

    true = ibis.literal(True)
    false = ibis.literal(False)

    @staticmethod
    def isin(value, members):
        members = sorted(str(member) for member in members)
        return value.isin(members) if members else ibis.literal(False)

    @staticmethod
    def not_(value):
        return ~value


class _Columns:
    """Reads `name` as the column `prefix + name`, so a rule sees `a.x` and `row.x` as it does
    in Python while both live in one joined table."""

    def __init__(self, table: ir.Table, prefix: str = "") -> None:
        self._table = table
        self._prefix = prefix

    def __getattr__(self, name: str):
        return self._table[self._prefix + name]


# --- the inputs, as the compiled steps see them -----------------------------------------------


def _seconds_schema(schema: pa.Schema) -> pa.Schema:
    """The schema with every instant as int64 seconds since the epoch."""
    return pa.schema([(f.name, pa.int64() if pa.types.is_timestamp(f.type) else f.type) for f in schema])


INPUT_SCHEMAS: dict[str, pa.Schema] = {
    "actions": tables.ACTIONS_SCHEMA,
    "history": tables.HISTORY_SCHEMA,
    "debtors": tables.DEBTORS_SCHEMA,
    "holds": tables.HOLDS_SCHEMA,
    "opt_outs": tables.OPT_OUTS_SCHEMA,
    "contact_points": tables.CONTACT_POINTS_SCHEMA,
    "loans": tables.LOANS_SCHEMA,
    "debts": tables.DEBTS_SCHEMA,
    "agencies": tables.AGENCIES_SCHEMA,
}
OFFSETS_SCHEMA = pa.schema([("o_zone", pa.string()), ("o_from", pa.int64()), ("o_until", pa.int64()), ("o_offset", pa.int64())])
CALENDAR_SCHEMA = pa.schema([("from_day", pa.int64()), ("until_day", pa.int64()), ("kind", pa.string())])
_STEP_SCHEMAS = {
    **{name: _seconds_schema(schema) for name, schema in INPUT_SCHEMAS.items()},
    "offsets": OFFSETS_SCHEMA,
    "calendar": CALENDAR_SCHEMA,
}


def _placeholder(role: str, schema: pa.Schema | None = None) -> ir.Table:
    schema = schema if schema is not None else _STEP_SCHEMAS[role]
    return ibis.table(ibis.schema(schema), name=f"__{role}__")


def _floor_div(numerator: ir.IntegerValue, denominator: int) -> ir.IntegerValue:
    """Exact floor division of a non-negative integer (engines disagree on `//`)."""
    return ((numerator - numerator % denominator) // denominator).cast("int64")


def _month_number(day: ir.IntegerValue) -> ir.IntegerValue:
    date = ibis.date(1970, 1, 1) + day.as_interval("D")
    return (date.year() * 12 + date.month() - 1).cast("int64")


def _with_offset(table: ir.Table, offsets: ir.Table, zone: str, seconds: str) -> ir.Table:
    joined = table.left_join(
        offsets,
        [table[zone] == offsets.o_zone, offsets.o_from <= table[seconds], table[seconds] < offsets.o_until],
    )
    return joined.drop("o_zone", "o_from", "o_until")


def _text(t: ir.Table, column: str) -> ir.StringValue:
    return ibis.coalesce(t[column], "")


def _flag(t: ir.Table, column: str, default: bool) -> ir.BooleanValue:
    return ibis.coalesce(t[column], default)


# --- the steps ---------------------------------------------------------------------------------


def action_features(actions: ir.Table, offsets: ir.Table) -> ir.Table:
    """features.ACTION_FEATURES for every action, and `valid`: false for a row the guard cannot
    read (an unknown word or zone, a missing id), which is then refused whatever else holds."""
    t = actions
    valid = (
        t.action_id.notnull()
        & t.debtor_id.notnull()
        & t.loan_id.notnull()
        & t.debt_id.notnull()
        & t.planned_utc.notnull()
        & t.party.isin(values(Party))
        & t.relation.isin(values(Relation))
        & t.channel.isin(values(Channel))
        & t.template_kind.isin(values(TemplateKind))
        & ((t.party == Party.DEBTOR.value) == (t.relation == Relation.SELF.value))
        & (ibis.coalesce(t.collectors, 0) >= 0)
    )
    base = t.select(
        action_id=t.action_id,
        debtor_id=_text(t, "debtor_id"),
        loan_id=_text(t, "loan_id"),
        debt_id=_text(t, "debt_id"),
        party=_text(t, "party"),
        relation=_text(t, "relation"),
        channel=_text(t, "channel"),
        contact_point_id=_text(t, "contact_point_id"),
        has_contact_point=t.contact_point_id.notnull(),
        template_kind=_text(t, "template_kind"),
        agency_id=_text(t, "agency_id"),
        has_agency=t.agency_id.notnull(),
        collectors=ibis.coalesce(t.collectors, 0).cast("int64"),
        advance_notice=_flag(t, "advance_notice", False),
        opt_out_notice=_flag(t, "opt_out_notice", False),
        planned_utc_s=ibis.coalesce(t.planned_utc, 0),
        time_zone=_text(t, "time_zone"),
        valid_input=ibis.coalesce(valid, False),
    )
    located = _with_offset(base, offsets, "time_zone", "planned_utc_s")
    local = located.planned_utc_s + ibis.coalesce(located.o_offset, 0)
    day = _floor_div(local, _DAY)
    features = located.mutate(
        valid=located.valid_input & located.o_offset.notnull(),
        local_day=day,
        local_second=(local - day * _DAY).cast("int64"),
        local_month=_month_number(day),
    )
    return features.select(*ACTION_FEATURES, "time_zone", "valid")


def source_rows(name: str) -> ir.Table:
    """A source's rows in the columns of features.SOURCES, nulls replaced by the same defaults
    the records in context.py have (history's local day and month come after the join, in each
    action's own zone)."""
    if name == "calendar":
        return _placeholder("calendar")
    t = _placeholder(name)
    if name == "history":
        return t.select(
            attempt_id=t.attempt_id,
            debtor_id=t.debtor_id,
            debt_id=_text(t, "debt_id"),
            loan_id=_text(t, "loan_id"),
            party=_text(t, "party"),
            contact_point_id=_text(t, "contact_point_id"),
            channel=_text(t, "channel"),
            template_kind=_text(t, "template_kind"),
            outcome=_text(t, "outcome"),
            conversation=_flag(t, "conversation", False),
            attempted_utc_s=t.attempted_utc,
        )
    if name == "debtors":
        return t.select(debtor_id=t.debtor_id, consecutive_failed_attempts=ibis.coalesce(t.consecutive_failed_attempts, 0))
    if name == "holds":
        return t.select(debtor_id=t.debtor_id, hold=_text(t, "hold"), loan_id=_text(t, "loan_id"), all_loans=t.loan_id.isnull(),
                        agency_id=_text(t, "agency_id"), channel=_text(t, "channel"))
    if name == "opt_outs":
        return t.select(
            debtor_id=t.debtor_id,
            channel=_text(t, "channel"),
            contact_point_id=_text(t, "contact_point_id"),
            all_points=t.contact_point_id.isnull(),
            confirmed=_flag(t, "confirmed", False),
        )
    if name == "contact_points":
        return t.select(
            contact_point_id=t.contact_point_id,
            consent=_flag(t, "consent", False),
            do_not_contact=_flag(t, "do_not_contact", False),
            valid=_flag(t, "valid", True),
            verified=_flag(t, "verified", False),
        )
    if name == "loans":
        notice = t.outsourcing_notice_utc
        return t.select(
            loan_id=t.loan_id, has_outsourcing_notice=notice.notnull(), outsourcing_notice_utc_s=ibis.coalesce(notice, 0)
        )
    if name == "debts":
        initial = t.initial_communication_utc
        return t.select(
            debt_id=t.debt_id,
            has_initial_communication=initial.notnull(),
            initial_communication_utc_s=ibis.coalesce(initial, 0),
            has_validation_notice=t.validation_notice_utc.notnull(),
            time_barred=_flag(t, "time_barred", False),
        )
    if name == "agencies":
        until = t.valid_until_utc
        return t.select(
            agency_id=t.agency_id,
            channel=_text(t, "channel"),
            valid_from_utc_s=ibis.coalesce(t.valid_from_utc, local_time.FAR_FUTURE),
            has_until=until.notnull(),
            valid_until_utc_s=ibis.coalesce(until, 0),
            whitelisted=_flag(t, "whitelisted", False),
        )
    raise KeyError(name)


def _pairs(source: Source, features: ir.Table, rows: ir.Table, offsets: ir.Table) -> ir.Table:
    """Each action beside each row of the source that shares its key."""
    prefixed = rows.rename({ROW_PREFIX + column: column for column in rows.columns})
    if source.name == "calendar":
        condition = [prefixed.r_from_day <= features.local_day, features.local_day < prefixed.r_until_day]
    else:
        condition = [features[source.action_key] == prefixed[ROW_PREFIX + source.row_key]]
    pairs = features.inner_join(prefixed, condition)
    if source.name != "history":
        return pairs
    pairs = _with_offset(pairs, offsets, "time_zone", "r_attempted_utc_s")
    day = _floor_div(pairs.r_attempted_utc_s + ibis.coalesce(pairs.o_offset, 0), _DAY)
    return pairs.mutate(r_local_day=day, r_local_month=_month_number(day)).drop("o_offset")


def _count_column(position: int) -> str:
    return f"n_{position}"


def _counts(source: Source, rules: list[tuple[int, Rule]], pairs: ir.Table) -> ir.Table:
    a, row = _Columns(pairs), _Columns(pairs, ROW_PREFIX)
    measures = {}
    for position, rule in rules:
        matched = rule.matches(a, row, IbisOps)
        if source.distinct is not None:
            measures[_count_column(position)] = pairs[ROW_PREFIX + source.distinct].nunique(where=matched)
        else:
            measures[_count_column(position)] = pairs[ROW_PREFIX + source.row_key].count(where=matched)
    return pairs.group_by("action_id").aggregate(**measures)


def judged(features: ir.Table, offsets: ir.Table, rules: tuple[Rule, ...]) -> ir.Table:
    """Every action's features and, per counting rule, how many rows it matched (`n_<i>`)."""
    joined = features
    counted = {}
    for name, source in SOURCES.items():
        counting = [(position, rule) for position, rule in enumerate(rules) if rule.source == name]
        if not counting:
            continue
        pairs = _pairs(source, features, source_rows(name), offsets)
        key = f"action_id_{name}"
        counts = _counts(source, counting, pairs).rename({key: "action_id"})
        joined = joined.left_join(counts, features.action_id == counts[key])
        counted.update({_count_column(p): ibis.coalesce(counts[_count_column(p)], 0).cast("int64") for p, _ in counting})
    return joined.select(*[features[column] for column in features.columns], **counted)


def gathered(judged_table: ir.Table, rules: tuple[Rule, ...]) -> ir.Table:
    """One row per action: the blocking rule ids and reasons, in the profile's order."""
    t = judged_table
    a = _Columns(t)

    def blocked(condition, order: int, rule_id: str, zh: str, en: str) -> ir.Table:
        return t.filter(condition).select(
            "action_id",
            rule_order=ibis.literal(order, "int64"),
            rule_id=ibis.literal(rule_id),
            reason_zh=ibis.literal(zh),
            reason_en=ibis.literal(en),
        )

    parts = [blocked(~t.valid, -1, INVALID_ACTION, *INVALID_REASONS)]
    for position, rule in enumerate(rules):
        n = t[_count_column(position)] if rule.source is not None else 0
        found = violation(rule)
        parts.append(blocked(t.valid & rule.blocks(a, n, IbisOps), position, found.rule_id, found.reason_zh, found.reason_en))
    violations = ibis.union(*parts, distinct=False)
    grouped = violations.group_by("action_id").aggregate(
        rule_ids=violations.rule_id.collect(order_by=violations.rule_order),
        reasons_zh=violations.reason_zh.collect(order_by=violations.rule_order),
        reasons_en=violations.reason_en.collect(order_by=violations.rule_order),
    )
    joined = t.select("action_id").left_join(grouped, "action_id")
    # an allowed action's lists are null here and made empty after fetching: engines disagree
    # on how to write an empty array literal
    return joined.select(
        action_id=joined.action_id,
        allowed=joined.rule_ids.isnull(),
        rule_ids=joined.rule_ids,
        reasons_zh=joined.reasons_zh,
        reasons_en=joined.reasons_en,
    ).order_by("action_id")


class CompiledGuard:
    """The steps as SQL text for one dialect and one profile's rules, with `"__role__"` names."""

    def __init__(self, dialect: str, rules: tuple[Rule, ...]) -> None:
        offsets = _placeholder("offsets")
        features = action_features(_placeholder("actions"), offsets)
        feature_schema = features.schema().to_pyarrow()
        self.features = ibis.to_sql(features, dialect=dialect)
        judged_step = judged(_placeholder("features", feature_schema), offsets, rules)
        self.judged = ibis.to_sql(judged_step, dialect=dialect)
        self.gathered = ibis.to_sql(gathered(_placeholder("judged", judged_step.schema().to_pyarrow()), rules), dialect=dialect)

    @property
    def statement(self) -> str:
        """The three steps as one statement: the first two as named subqueries of the last."""
        return (
            f'WITH "__features__" AS ({self.features}), "__judged__" AS ({self.judged}) '
            f'SELECT * FROM ({self.gathered}) AS "decisions" ORDER BY "action_id"'
        )


@functools.lru_cache(maxsize=16)
def compiled_for(dialect: str, rules: tuple[Rule, ...]) -> CompiledGuard:
    return CompiledGuard(dialect, rules)


# --- a run -------------------------------------------------------------------------------------


def _arrow_input(role: str, table: pa.Table) -> pa.Table:
    schema = INPUT_SCHEMAS[role]
    missing = [name for name in schema.names if name not in table.column_names]
    if missing:
        raise InputError(f"{role} 表缺少列 {missing}", f"The {role} table lacks columns {missing}")
    columns = []
    for field in schema:
        column = table[field.name]
        if pa.types.is_timestamp(field.type):
            if pa.types.is_timestamp(column.type):
                column = pc.cast(column, pa.timestamp(column.type.unit, tz="UTC"))
                column = pc.cast(pc.cast(column, pa.timestamp("s", tz="UTC"), safe=False), pa.int64())
            else:
                column = pc.cast(column, pa.int64())
        else:
            column = pc.cast(column, field.type)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=_STEP_SCHEMAS[role])


def _ibis_input(role: str, table: ir.Table) -> ir.Table:
    schema = INPUT_SCHEMAS[role]
    missing = [name for name in schema.names if name not in table.columns]
    if missing:
        raise InputError(f"{role} 表缺少列 {missing}", f"The {role} table lacks columns {missing}")
    converted = {}
    for field in schema:
        column = table[field.name]
        if pa.types.is_timestamp(field.type) and column.type().is_timestamp():
            # read in the session's zone, which Ibis sets to UTC on connecting
            converted[field.name] = column.epoch_seconds().floor().cast("int64")
        else:
            converted[field.name] = column.cast(ibis.dtype(_STEP_SCHEMAS[role].field(field.name).type))
    return table.select(**converted)


class _Run:
    """One judging run's input tables in a backend, named for this run and dropped at the end.

    DuckDB reads Arrow tables in place (registered as views); other backends get temporary
    tables."""

    _serial = itertools.count()

    def __init__(self, backend) -> None:
        self.backend = backend
        self.run_id = f"{os.getpid()}_{next(self._serial)}"
        self.names: dict[str, str] = {}
        self._registered: list[str] = []

    def _name(self, role: str) -> str:
        name = f"arrears_guard_{role}_{self.run_id}"
        self.names[role] = name
        return name

    def load(self, role: str, table) -> None:
        if isinstance(table, pa.Table):
            self.load_arrow(role, _arrow_input(role, table) if role in INPUT_SCHEMAS else table)
        elif isinstance(table, ir.Table):
            self.backend.create_table(self._name(role), obj=_ibis_input(role, table), temp=True)
        else:
            raise InputError(
                f"{role} 须为 Arrow 或 Ibis 表，收到 {type(table).__name__}",
                f"{role} must be an Arrow or Ibis table, not {type(table).__name__}",
            )

    def load_arrow(self, role: str, table: pa.Table) -> None:
        name = self._name(role)
        if self.backend.name == "duckdb":
            self.backend.con.register(name, table)
            self._registered.append(name)
        else:
            self.backend.create_table(name, obj=table, temp=True)

    def bind(self, sql: str) -> str:
        for role, name in self.names.items():
            sql = sql.replace(f'"__{role}__"', f'"{name}"')
        return sql

    def fetch(self, sql: str) -> pa.Table:
        if self.backend.name == "duckdb":  # skips Ibis parsing the text back into an expression
            return self.backend.raw_sql(self.bind(sql)).to_arrow_table()
        return self.backend.sql(self.bind(sql)).to_pyarrow()

    def zones(self) -> list[str]:
        found = self.fetch('SELECT DISTINCT "time_zone" FROM "__actions__"')
        return sorted(z for z in found.column(0).to_pylist() if z is not None)

    def drop_all(self) -> None:
        for name in self.names.values():
            if name in self._registered:
                self.backend.con.unregister(name)
            else:
                self.backend.drop_table(name, force=True)
        self.names.clear()
        self._registered.clear()


def _offsets_table(zones: list[str]) -> pa.Table:
    rows = []
    for name in zones:
        try:
            intervals = local_time.offset_intervals(name)
        except InputError:
            continue  # its actions find no offset and are refused as invalid
        rows += [{"o_zone": name, "o_from": f, "o_until": u, "o_offset": o} for f, u, o in intervals]
    return pa.Table.from_pylist(rows, schema=OFFSETS_SCHEMA)


@functools.cache
def _calendar_table() -> pa.Table:
    rows = [{"from_day": f, "until_day": u, "kind": k} for f, u, k in calendar_rows()]
    return pa.Table.from_pylist(rows, schema=CALENDAR_SCHEMA)


_LIST = pa.list_(pa.string())
DECISIONS_SCHEMA = pa.schema([("action_id", pa.string()), ("allowed", pa.bool_()), ("rule_ids", _LIST), ("reasons_zh", _LIST), ("reasons_en", _LIST)])


def _finished(fetched: pa.Table) -> pa.Table:
    empty = pa.scalar([], _LIST)
    columns = []
    for field in DECISIONS_SCHEMA:
        column = pc.cast(fetched[field.name], field.type)
        columns.append(pc.fill_null(column, empty) if field.type == _LIST else column)
    return pa.Table.from_arrays(columns, schema=DECISIONS_SCHEMA)


def _backend_of(*inputs):
    for table in inputs:
        if isinstance(table, ir.Table):
            try:
                return table._find_backend()
            except Exception:  # an expression over memtables only is bound to no backend
                continue
    return None


def decide_frame(actions, history, context: ContextTables, profile, *, backend=None) -> pa.Table:
    """Judge every action of a plan: `(action_id, allowed, rule_ids, reasons_zh, reasons_en)`,
    ordered by action id, each list in the profile's order; an action no rule blocks is allowed.

    `actions`, `history` and the tables of `context` are Arrow or Ibis tables in the columns of
    tables.py. The work runs in `backend` (by default the backend of the Ibis inputs, else a
    fresh in-process DuckDB) in temporary tables, dropped before returning.
    """
    backend = backend or _backend_of(actions, history, *(getattr(context, f.name) for f in fields(context)))
    backend = backend or ibis.duckdb.connect()
    compiled = compiled_for(backend.name, profile.action_rules)
    run = _Run(backend)
    try:
        run.load("actions", actions)
        run.load("history", history)
        for f in fields(context):
            run.load(f.name, getattr(context, f.name))
        run.load_arrow("offsets", _offsets_table(run.zones()))
        run.load_arrow("calendar", _calendar_table())
        return _finished(run.fetch(compiled.statement))
    finally:
        run.drop_all()
