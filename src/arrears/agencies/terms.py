"""A contract's terms as plain data, and the checks that make them usable (pure: no Django).

    >>> terms = ContractTerms.from_mapping({...})
    >>> [p.en for p in terms.problems()]
    []

The personal-data terms follow 个人信息保护法 第二十一条 (PIPL art. 21): outsourced processing needs
a contract naming the purpose, duration, method, types of data and protection measures, and the
processor returns or deletes the data when it ends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

BASIS_POINTS = 10_000
BUCKETS = ("M1", "M2", "M3", "M4", "M5", "M6", "M7+")
CHANNELS = ("call", "sms", "letter", "email", "visit")
# what an agency may be shown of a case; everything else is never shared
SHAREABLE_FIELDS = (
    "borrower_name",
    "loan_reference",
    "days_past_due",
    "bucket",
    "overdue_amount",
    "balance",
    "mobile",
    "email",
    "address",
    "national_id",
)
# fields that identify the borrower and would let a contact happen outside the system
CONTACT_FIELDS = ("mobile", "email", "address")


@dataclass(frozen=True)
class Problem:
    field: str
    zh: str
    en: str


@dataclass(frozen=True)
class Tier:
    """From this recovery rate (basis points of the amount placed) on, this commission rate applies."""

    from_recovery_bp: int
    rate_bp: int


@dataclass(frozen=True)
class ContractTerms:
    valid_from: dt.date
    valid_until: dt.date
    buckets: tuple[str, ...]
    min_amount: int
    max_amount: int | None
    placement_days: int
    channels: tuple[str, ...]
    visits_allowed: bool
    shared_fields: tuple[str, ...]
    commission_schedule: tuple = field(default=())
    purpose: str = ""
    processing_duration: str = ""
    processing_method: str = ""
    data_types: str = ""
    protection_measures: str = ""
    end_of_term: str = ""

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_mapping(cls, values: dict) -> ContractTerms:
        def as_tuple(value):
            return tuple(value) if isinstance(value, (list, tuple)) else value

        return cls(**{name: as_tuple(values.get(name)) for name in cls.field_names()})

    def problems(self) -> list[Problem]:
        """Everything wrong with the terms, each in zh-Hans and English; empty when they are usable."""
        found: list[Problem] = []
        add = lambda name, zh, en: found.append(Problem(name, zh, en))  # noqa: E731
        if not isinstance(self.valid_from, dt.date) or not isinstance(self.valid_until, dt.date):
            add("valid_until", "合同须有起止日期", "The contract needs a start and an end date")
        elif self.valid_until < self.valid_from:
            add("valid_until", "合同到期日早于生效日", "The contract ends before it starts")
        if not _list_of_str(self.buckets) or not self.buckets:
            add("buckets", "须至少指定一个账龄段", "Name at least one bucket")
        elif unknown := sorted(set(self.buckets) - set(BUCKETS)):
            add("buckets", f"未知账龄段：{'、'.join(unknown)}", f"Unknown buckets: {', '.join(unknown)}")
        if not _is_int(self.min_amount) or self.min_amount < 0:
            add("min_amount", "最低金额须为非负整数（分）", "The smallest amount must be a whole, non-negative number of fen")
        if self.max_amount is not None and (not _is_int(self.max_amount) or (
            _is_int(self.min_amount) and self.max_amount < self.min_amount
        )):
            add("max_amount", "最高金额须为不小于最低金额的整数（分）", "The largest amount must be whole fen, not below the smallest")
        if not _is_int(self.placement_days) or not 1 <= self.placement_days <= 366:
            add("placement_days", "委案期限须为 1 到 366 天", "The placement period must be 1 to 366 days")
        if not _list_of_str(self.channels) or not self.channels:
            add("channels", "须至少授权一个渠道", "Authorise at least one channel")
        elif unknown := sorted(set(self.channels) - set(CHANNELS)):
            add("channels", f"未知渠道：{'、'.join(unknown)}", f"Unknown channels: {', '.join(unknown)}")
        elif "visit" in self.channels and not self.visits_allowed:
            add("channels", "授权上门渠道须同时允许上门", "The visit channel needs home visits to be allowed")
        if not _list_of_str(self.shared_fields) or not self.shared_fields:
            add("shared_fields", "须列明共享的数据字段", "List the data fields shared")
        elif unknown := sorted(set(self.shared_fields) - set(SHAREABLE_FIELDS)):
            add("shared_fields", f"不可共享的字段：{'、'.join(unknown)}", f"Fields that cannot be shared: {', '.join(unknown)}")
        found += _schedule_problems(self.commission_schedule, self.buckets if _list_of_str(self.buckets) else ())
        for name, zh, en in (
            ("purpose", "处理目的", "purpose of processing"),
            ("processing_duration", "处理期限", "duration of processing"),
            ("processing_method", "处理方式", "method of processing"),
            ("data_types", "个人信息种类", "types of personal data"),
            ("protection_measures", "保护措施", "protection measures"),
        ):
            if not str(getattr(self, name) or "").strip():
                add(name, f"个人信息保护法第二十一条要求约定{zh}", f"PIPL art. 21 requires the contract to state the {en}")
        if self.end_of_term not in ("return", "delete"):
            add("end_of_term", "须约定合同结束时返还或删除个人信息", "State whether the data is returned or deleted at the end")
        return found

    def tiers_for(self, bucket: str) -> tuple[Tier, ...]:
        return schedule_tiers(self.commission_schedule).get(bucket, ())


def schedule_tiers(schedule) -> dict[str, tuple[Tier, ...]]:
    """The commission schedule as tiers by bucket, lowest recovery first."""
    result = {}
    for entry in schedule or ():
        tiers = sorted((Tier(int(t["from_recovery_bp"]), int(t["rate_bp"])) for t in entry["tiers"]), key=lambda t: t.from_recovery_bp)
        result[entry["bucket"]] = tuple(tiers)
    return result


def _schedule_problems(schedule, buckets) -> list[Problem]:
    bad = [Problem("commission_schedule", "佣金表格式不正确", "The commission schedule is malformed")]
    if not isinstance(schedule, (list, tuple)) or not schedule:
        return [Problem("commission_schedule", "须有按账龄段的佣金表", "A commission schedule by bucket is needed")]
    seen = set()
    for entry in schedule:
        if not isinstance(entry, dict) or not isinstance(entry.get("bucket"), str) or not isinstance(entry.get("tiers"), (list, tuple)):
            return bad
        tiers = entry["tiers"]
        if not tiers or not all(isinstance(t, dict) and _is_int(t.get("from_recovery_bp")) and _is_int(t.get("rate_bp")) for t in tiers):
            return [Problem("commission_schedule", "佣金比例须为整数基点（不得用小数）", "Commission rates must be whole basis points, never fractions")]
        starts = [t["from_recovery_bp"] for t in tiers]
        if sorted(starts)[0] != 0 or len(set(starts)) != len(starts):
            return [Problem("commission_schedule", f"{entry['bucket']} 的档位须从回收率 0 起且不重复", f"The tiers for {entry['bucket']} must start at recovery 0 and not repeat")]
        if not all(0 <= t["rate_bp"] <= BASIS_POINTS and 0 <= t["from_recovery_bp"] <= BASIS_POINTS for t in tiers):
            return [Problem("commission_schedule", "佣金比例和回收率须在 0 到 10000 基点之间", "Rates and recovery tiers must be 0 to 10,000 basis points")]
        seen.add(entry["bucket"])
    if missing := sorted(set(buckets) - seen):
        return [Problem("commission_schedule", f"佣金表缺少账龄段：{'、'.join(missing)}", f"The commission schedule lacks buckets: {', '.join(missing)}")]
    return []


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _list_of_str(value) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
