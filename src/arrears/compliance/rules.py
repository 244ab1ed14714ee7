"""The rules, each defined once, and `decide`: judging one action at the moment it is sent.

A rule is a frozen dataclass holding its numbers and citation. It says which source of rows it
counts (`source`), which rows count against an action (`matches`), and whether the action is
blocked given that count (`blocks`). Both are written against features (see features.py) and a
small set of operators `ops`, so the same definition runs here on Python values and, in
frames.py, as Ibis expressions over a whole plan.

    decision = decide(action, context, load_profile("cn"))
    decision.allowed, [v.rule_id for v in decision.violations]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, ClassVar

from arrears.compliance.context import Action, Context
from arrears.compliance.features import SOURCES, Row, action_features, source_rows
from arrears.compliance.quiet_days import QUIET_KINDS, QuietDayMode
from arrears.compliance.vocabulary import (
    CONNECTED_CALL,
    UNANSWERED_CALL,
    UNCOUNTED_BY_REG_F,
    Channel,
    Hold,
    Party,
    Relation,
    TemplateKind,
)
from arrears.errors import InputError
from arrears.legal.court_process import court_contacts


class Tighten(StrEnum):
    """Which way a lender's policy may move a number: only ever towards less contact."""

    LOWER = "lower"  # a cap: policy ≤ jurisdiction
    HIGHER = "higher"  # a minimum, a wait, a retention: policy ≥ jurisdiction
    LATER = "later"  # the start of a contact window
    EARLIER = "earlier"  # the end of a contact window
    MORE = "more"  # the set a restriction covers may grow
    FEWER = "fewer"  # the set of exceptions may shrink
    KEEP_ON = "keep_on"  # a requirement that is on stays on
    MAY_TURN_OFF = "may_turn_off"  # an allowance that may be withdrawn
    QUIET_MODE = "quiet_mode"  # off < public_holidays < rest_days
    FIXED = "fixed"  # names what the rule is about; not a number to move
    LENDER_CHOICE = "lender_choice"  # a lender's own setting that protects nobody: any value


def param(tighten: Tighten, **kwargs) -> Any:
    return field(metadata={"tighten": tighten}, **kwargs)


class Basis(StrEnum):
    LAW = "law"  # statute or regulation
    GUIDELINE = "guideline"  # industry or regulator guideline
    LENDER_POLICY = "lender_policy"  # not law: a default the lender may tighten


@dataclass(frozen=True, kw_only=True, slots=True)
class Citation:
    """Where a rule comes from. `article` is empty where the source's article is not yet checked."""

    source_zh: str
    source_en: str
    basis: Basis
    article: str = ""
    note: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class Violation:
    rule_id: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Decision:
    """The guard's answer for one action: every rule that blocks it, in the profile's order."""

    action_id: str
    allowed: bool
    violations: tuple[Violation, ...]

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(v.rule_id for v in self.violations)


class PythonOps:
    """The operators rules use, on Python values."""

    true = True
    false = False

    @staticmethod
    def isin(value, members) -> bool:
        return value in members

    @staticmethod
    def not_(value) -> bool:
        return not value


def _time(value: dt.time) -> str:
    return value.strftime("%H:%M")


def _list(members) -> str:
    return ", ".join(sorted(str(m) for m in members)) or "—"


def _seconds_of(value: dt.time) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One rule of a profile. Subclasses set `kind` (its name in YAML) and, if they count rows,
    `source`; `checks_actions` is False for rules that bind record-keeping, not contact."""

    rule_id: str
    citation: Citation
    kind: ClassVar[str] = ""
    source: ClassVar[str | None] = None
    checks_actions: ClassVar[bool] = True

    def matches(self, a, row, ops):
        return ops.true

    def blocks(self, a, n, ops):
        raise NotImplementedError

    def reason(self) -> tuple[str, str]:
        raise NotImplementedError

    def parameters(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if "tighten" in f.metadata}


def _is_call_to_same_person(a, row):
    """Reg F counts calls to a particular person: the debtor, or one third party's number."""
    same_debtor = (a.party == Party.DEBTOR.value) & (row.party == Party.DEBTOR.value)
    same_third_party = (
        (a.party == Party.THIRD_PARTY.value)
        & (row.party == Party.THIRD_PARTY.value)
        & (row.contact_point_id == a.contact_point_id)
    )
    return same_debtor | same_third_party


# --- time of contact -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ContactHours(Rule):
    """Contact only while earliest ≤ local time < latest, in the borrower's own zone."""

    kind: ClassVar[str] = "contact_hours"
    earliest: dt.time = param(Tighten.LATER)
    latest: dt.time = param(Tighten.EARLIER)
    channels: frozenset[Channel] = param(Tighten.MORE)

    def blocks(self, a, n, ops):
        outside = (a.local_second < _seconds_of(self.earliest)) | (a.local_second >= _seconds_of(self.latest))
        return ops.isin(a.channel, self.channels) & outside

    def reason(self):
        earliest, latest = _time(self.earliest), _time(self.latest)
        return (
            f"只能在借款人当地时间 {earliest} 至 {latest}（不含）之间联系",
            f"Contact only from {earliest} until {latest}, borrower's local time",
        )


@dataclass(frozen=True, kw_only=True)
class QuietDays(Rule):
    """No contact on quiet days (off unless a lender turns it on)."""

    kind: ClassVar[str] = "quiet_days"
    source: ClassVar[str] = "calendar"
    mode: QuietDayMode = param(Tighten.QUIET_MODE)
    channels: frozenset[Channel] = param(Tighten.MORE)

    def matches(self, a, row, ops):
        return ops.isin(row.kind, QUIET_KINDS[self.mode])

    def blocks(self, a, n, ops):
        if self.mode == QuietDayMode.OFF:
            return ops.false
        return ops.isin(a.channel, self.channels) & (n > 0)

    def reason(self):
        return (
            f"静默日（{self.mode}）不联系；日历未覆盖的年份一律视为静默日",
            f"No contact on quiet days ({self.mode}); a year the calendar does not cover counts as quiet",
        )


# --- frequency -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class UnansweredPerContactPoint(Rule):
    kind: ClassVar[str] = "unanswered_per_contact_point"
    source: ClassVar[str] = "history"
    max_per_day: int = param(Tighten.LOWER)
    channels: frozenset[Channel] = param(Tighten.MORE)

    def matches(self, a, row, ops):
        return (
            ops.isin(row.channel, self.channels)
            & (row.contact_point_id == a.contact_point_id)
            & ops.isin(row.outcome, UNANSWERED_CALL)
            & (row.local_day == a.local_day)
        )

    def blocks(self, a, n, ops):
        return ops.isin(a.channel, self.channels) & a.has_contact_point & (n >= self.max_per_day)

    def reason(self):
        return (
            f"同一联系方式当日未接通已达 {self.max_per_day} 次",
            f"{self.max_per_day} unanswered attempts to this contact point today already",
        )


@dataclass(frozen=True, kw_only=True)
class EffectiveCallsPerDebtor(Rule):
    kind: ClassVar[str] = "effective_calls_per_debtor"
    source: ClassVar[str] = "history"
    max_per_day: int = param(Tighten.LOWER)
    channels: frozenset[Channel] = param(Tighten.MORE)

    def matches(self, a, row, ops):
        return (
            (row.party == Party.DEBTOR.value)
            & ops.isin(row.channel, self.channels)
            & ops.isin(row.outcome, CONNECTED_CALL)
            & (row.local_day == a.local_day)
        )

    def blocks(self, a, n, ops):
        return (a.party == Party.DEBTOR.value) & ops.isin(a.channel, self.channels) & (n >= self.max_per_day)

    def reason(self):
        return (
            f"当日与债务人的有效通话（含智能语音）已达 {self.max_per_day} 次",
            f"{self.max_per_day} effective calls with the debtor today already (AI voice included)",
        )


@dataclass(frozen=True, kw_only=True)
class CallsInWindow(Rule):
    """Reg F's presumption: calls to one person about one debt, within `days` consecutive days
    ending on the planned day; a call that never connected to the number is not counted."""

    kind: ClassVar[str] = "calls_in_window"
    source: ClassVar[str] = "history"
    max_calls: int = param(Tighten.LOWER)
    days: int = param(Tighten.HIGHER)
    channels: frozenset[Channel] = param(Tighten.MORE)

    def matches(self, a, row, ops):
        return (
            _is_call_to_same_person(a, row)
            & (row.debt_id == a.debt_id)
            & ops.isin(row.channel, self.channels)
            & ops.not_(ops.isin(row.outcome, UNCOUNTED_BY_REG_F))
            & (row.local_day <= a.local_day)
            & (row.local_day > a.local_day - self.days)
        )

    def blocks(self, a, n, ops):
        return ops.isin(a.channel, self.channels) & (n >= self.max_calls)

    def reason(self):
        return (
            f"就同一笔债务对同一人 {self.days} 日内已呼叫 {self.max_calls} 次",
            f"{self.max_calls} calls to this person about this debt within {self.days} consecutive days already",
        )


@dataclass(frozen=True, kw_only=True)
class WaitAfterConversation(Rule):
    """No call about a debt for `days` days after a telephone conversation about it; the
    conversation's day is day 1. Each debt discussed in the conversation waits."""

    kind: ClassVar[str] = "wait_after_conversation"
    source: ClassVar[str] = "history"
    days: int = param(Tighten.HIGHER)
    channels: frozenset[Channel] = param(Tighten.MORE)

    def matches(self, a, row, ops):
        return (
            _is_call_to_same_person(a, row)
            & (row.debt_id == a.debt_id)
            & row.conversation
            & (row.local_day <= a.local_day)
            & (a.local_day < row.local_day + self.days)
        )

    def blocks(self, a, n, ops):
        return ops.isin(a.channel, self.channels) & (n > 0)

    def reason(self):
        return (
            f"就此债务通话后 {self.days} 日内（通话当日为第 1 日）不再致电",
            f"No call within {self.days} days of a telephone conversation about this debt (its day is day 1)",
        )


@dataclass(frozen=True, kw_only=True)
class MonthlyVisits(Rule):
    kind: ClassVar[str] = "monthly_visits"
    source: ClassVar[str] = "history"
    max_per_month: int = param(Tighten.LOWER)

    def matches(self, a, row, ops):
        return (row.channel == Channel.VISIT.value) & (row.loan_id == a.loan_id) & (row.local_month == a.local_month)

    def blocks(self, a, n, ops):
        return (a.channel == Channel.VISIT.value) & (n >= self.max_per_month)

    def reason(self):
        return (
            f"本账户本月上门已达 {self.max_per_month} 次",
            f"{self.max_per_month} visits on this account this month already",
        )


# --- visits ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class VisitCollectors(Rule):
    kind: ClassVar[str] = "visit_collectors"
    min_collectors: int = param(Tighten.HIGHER)

    def blocks(self, a, n, ops):
        return (a.channel == Channel.VISIT.value) & (a.collectors < self.min_collectors)

    def reason(self):
        return (f"上门须至少 {self.min_collectors} 名催收员", f"A visit needs at least {self.min_collectors} collectors")


@dataclass(frozen=True, kw_only=True)
class VisitAdvanceNotice(Rule):
    kind: ClassVar[str] = "visit_advance_notice"
    required: bool = param(Tighten.KEEP_ON)

    def blocks(self, a, n, ops):
        if not self.required:
            return ops.false
        return (a.channel == Channel.VISIT.value) & ops.not_(a.advance_notice)

    def reason(self):
        return ("上门前须提前告知借款人时间和目的", "The borrower must be told a visit's time and purpose beforehand")


# --- third parties ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ThirdPartyUnreachable(Rule):
    kind: ClassVar[str] = "third_party_unreachable"
    source: ClassVar[str] = "debtors"
    min_failed_attempts: int = param(Tighten.HIGHER)

    def matches(self, a, row, ops):
        return row.consecutive_failed_attempts >= self.min_failed_attempts

    def blocks(self, a, n, ops):
        return (a.party == Party.THIRD_PARTY.value) & (n == 0)

    def reason(self):
        return (
            f"债务人连续 {self.min_failed_attempts} 次联系失败（失联）前不得联系第三方",
            f"No third party before {self.min_failed_attempts} consecutive failed attempts to reach the debtor",
        )


@dataclass(frozen=True, kw_only=True)
class ThirdPartyTemplates(Rule):
    kind: ClassVar[str] = "third_party_templates"
    allowed_templates: frozenset[TemplateKind] = param(Tighten.FEWER)

    def blocks(self, a, n, ops):
        return (a.party == Party.THIRD_PARTY.value) & ops.not_(ops.isin(a.template_kind, self.allowed_templates))

    def reason(self):
        return (
            f"联系第三方只为查找债务人，不得透露债务，只能用模板：{_list(self.allowed_templates)}",
            f"A third party is contacted only to locate the debtor, never told of the debt: templates {_list(self.allowed_templates)} only",
        )


@dataclass(frozen=True, kw_only=True)
class ThirdPartyRelations(Rule):
    kind: ClassVar[str] = "third_party_relations"
    forbidden_relations: frozenset[Relation] = param(Tighten.MORE)

    def blocks(self, a, n, ops):
        return (a.party == Party.THIRD_PARTY.value) & ops.isin(a.relation, self.forbidden_relations)

    def reason(self):
        return (
            f"不得联系与债务无关的第三人（{_list(self.forbidden_relations)}）",
            f"Never contact third parties unrelated to the debt ({_list(self.forbidden_relations)})",
        )


# --- contact points and requests -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ContactPointKnown(Rule):
    """The guard judges only contact points it knows; `optional_channels` need none."""

    kind: ClassVar[str] = "contact_point_known"
    source: ClassVar[str] = "contact_points"
    optional_channels: frozenset[Channel] = param(Tighten.FEWER)

    def blocks(self, a, n, ops):
        return ops.not_(ops.isin(a.channel, self.optional_channels)) & (n == 0)

    def reason(self):
        return ("联系方式未登记或缺失", "The contact point is missing or unknown")


@dataclass(frozen=True, kw_only=True)
class DoNotContact(Rule):
    kind: ClassVar[str] = "do_not_contact"
    source: ClassVar[str] = "contact_points"

    def matches(self, a, row, ops):
        return row.do_not_contact

    def blocks(self, a, n, ops):
        return n > 0

    def reason(self):
        return ("该联系方式标记为禁止联系", "This contact point is marked do-not-contact")


@dataclass(frozen=True, kw_only=True)
class ContactPointValid(Rule):
    kind: ClassVar[str] = "contact_point_valid"
    source: ClassVar[str] = "contact_points"

    def matches(self, a, row, ops):
        return ops.not_(row.valid)

    def blocks(self, a, n, ops):
        return n > 0

    def reason(self):
        return ("该联系方式已失效", "This contact point is no longer valid")


@dataclass(frozen=True, kw_only=True)
class ContactPointVerified(Rule):
    kind: ClassVar[str] = "contact_point_verified"
    source: ClassVar[str] = "contact_points"
    channels: frozenset[Channel] = param(Tighten.MORE)

    def matches(self, a, row, ops):
        return ops.not_(row.verified)

    def blocks(self, a, n, ops):
        return ops.isin(a.channel, self.channels) & (n > 0)

    def reason(self):
        return (
            f"渠道 {_list(self.channels)} 须使用已核实的联系方式或地址",
            f"Channels {_list(self.channels)} need a verified contact point or address",
        )


@dataclass(frozen=True, kw_only=True)
class ContactPointConsent(Rule):
    kind: ClassVar[str] = "contact_point_consent"
    source: ClassVar[str] = "contact_points"
    parties: frozenset[Party] = param(Tighten.MORE)

    def matches(self, a, row, ops):
        return ops.not_(row.consent)

    def blocks(self, a, n, ops):
        return ops.isin(a.party, self.parties) & (n > 0)

    def reason(self):
        return (
            f"联系 {_list(self.parties)} 须使用经同意提供的联系方式（不得取自通讯录）",
            f"Contacting {_list(self.parties)} needs a contact point given with consent (never an address book)",
        )


@dataclass(frozen=True, kw_only=True)
class ChannelOptOutRule(Rule):
    """A request to stop a channel binds; one confirmation of it may still go out."""

    kind: ClassVar[str] = "channel_opt_out"
    source: ClassVar[str] = "opt_outs"
    allow_confirmation: bool = param(Tighten.MAY_TURN_OFF)

    def matches(self, a, row, ops):
        covers = (row.channel == a.channel) & (row.all_points | (row.contact_point_id == a.contact_point_id))
        if not self.allow_confirmation:
            return covers
        confirming = (a.template_kind == TemplateKind.OPT_OUT_CONFIRMATION.value) & ops.not_(row.confirmed)
        return covers & ops.not_(confirming)

    def blocks(self, a, n, ops):
        return n > 0

    def reason(self):
        return ("对方已要求停止使用此渠道", "The person asked to stop contact through this channel")


@dataclass(frozen=True, kw_only=True)
class ElectronicOptOutNotice(Rule):
    kind: ClassVar[str] = "electronic_opt_out_notice"
    channels: frozenset[Channel] = param(Tighten.MORE)

    def blocks(self, a, n, ops):
        return ops.isin(a.channel, self.channels) & ops.not_(a.opt_out_notice)

    def reason(self):
        return ("电子消息须附退订方式", "An electronic message must say how to opt out")


# --- holds -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AccountHoldRule(Rule):
    """While `hold` is on the account, only `allowed_templates` may go out. A hold that names an
    agency or a channel binds only that agency's actions, or only actions on that channel."""

    kind: ClassVar[str] = "account_hold"
    source: ClassVar[str] = "holds"
    hold: Hold = param(Tighten.FIXED)
    allowed_templates: frozenset[TemplateKind] = param(Tighten.FEWER)

    def matches(self, a, row, ops):
        return (
            (row.hold == self.hold.value)
            & (row.all_loans | (row.loan_id == a.loan_id))
            & ((row.agency_id == "") | (row.agency_id == a.agency_id))
            & ((row.channel == "") | (row.channel == a.channel))
        )

    def blocks(self, a, n, ops):
        return (n > 0) & ops.not_(ops.isin(a.template_kind, self.allowed_templates))

    def reason(self):
        return (
            f"账户处于 {self.hold} 状态，只能发送：{_list(self.allowed_templates)}",
            f"The account is on hold ({self.hold}); only {_list(self.allowed_templates)} may go out",
        )


@dataclass(frozen=True, kw_only=True)
class LegalHoldRule(AccountHoldRule):
    """A legal hold: ordinary collection stops, but the contacts the court process needs still go out.

    `court_process` names a family of routes in arrears/legal/court_process.yaml (cn, us-regf): the
    channel and template kind of each contact it lets through (the filing and service of documents,
    court-ordered notices by post, the legal officer's settlement contact). Every other rule still
    judges them."""

    kind: ClassVar[str] = "legal_hold"
    court_process: str = param(Tighten.FIXED)

    def __post_init__(self) -> None:
        court_contacts(self.court_process)  # an unknown family is refused when the profile loads

    def blocks(self, a, n, ops):
        court = ops.false
        for channel, template_kind in sorted(court_contacts(self.court_process)):
            court = court | ((a.channel == channel) & (a.template_kind == template_kind))
        return (n > 0) & ops.not_(ops.isin(a.template_kind, self.allowed_templates)) & ops.not_(court)

    def reason(self):
        contacts = _list(f"{channel}/{kind}" for channel, kind in court_contacts(self.court_process))
        return (
            f"账户处于法律程序暂停，普通催收停止；只能发送诉讼程序所需的联系：{contacts}",
            f"The account is on a legal hold: ordinary collection stops; only the court process's contacts may go out: {contacts}",
        )


# --- debts -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ValidationNotice(Rule):
    """Past `within_days` × 24 h after the initial communication with no validation notice,
    nothing but the notice goes to the debtor about that debt."""

    kind: ClassVar[str] = "validation_notice"
    source: ClassVar[str] = "debts"
    within_days: int = param(Tighten.LOWER)

    def matches(self, a, row, ops):
        deadline = row.initial_communication_utc_s + self.within_days * 86_400
        return row.has_initial_communication & ops.not_(row.has_validation_notice) & (a.planned_utc_s > deadline)

    def blocks(self, a, n, ops):
        return (n > 0) & (a.party == Party.DEBTOR.value) & (a.template_kind != TemplateKind.NOTICE.value)

    def reason(self):
        return (
            f"首次沟通后 {self.within_days} 日内未发债务确认通知，先发通知",
            f"No validation notice within {self.within_days} days of the initial communication: send it first",
        )


@dataclass(frozen=True, kw_only=True)
class TimeBarred(Rule):
    kind: ClassVar[str] = "time_barred"
    source: ClassVar[str] = "debts"
    channels: frozenset[Channel] = param(Tighten.MORE)

    def matches(self, a, row, ops):
        return row.time_barred

    def blocks(self, a, n, ops):
        return ops.isin(a.channel, self.channels) & (n > 0)

    def reason(self):
        return ("债务已过诉讼时效，不得起诉或以起诉相威胁", "The debt is time-barred: no suit and no threat of suit")


# --- agencies --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AgencyAuthorityRule(Rule):
    kind: ClassVar[str] = "agency_authority"
    source: ClassVar[str] = "agencies"

    def matches(self, a, row, ops):
        started = row.valid_from_utc_s <= a.planned_utc_s
        not_ended = ops.not_(row.has_until) | (a.planned_utc_s < row.valid_until_utc_s)
        return (row.channel == a.channel) & started & not_ended

    def blocks(self, a, n, ops):
        return a.has_agency & (n == 0)

    def reason(self):
        return (
            "委外机构在此时间无权使用此渠道（合同未授权或已到期）",
            "The agency's contract does not authorise this channel at this time",
        )


@dataclass(frozen=True, kw_only=True)
class AgencyWhitelist(Rule):
    kind: ClassVar[str] = "agency_whitelist"
    source: ClassVar[str] = "agencies"

    def matches(self, a, row, ops):
        return row.whitelisted

    def blocks(self, a, n, ops):
        return a.has_agency & (n == 0)

    def reason(self):
        return ("委外机构未在官网白名单中公示", "The agency is not on the whitelist published on the lender's website")


@dataclass(frozen=True, kw_only=True)
class OutsourcingNotice(Rule):
    kind: ClassVar[str] = "outsourcing_notice"
    source: ClassVar[str] = "loans"

    def matches(self, a, row, ops):
        return row.has_outsourcing_notice & (row.outsourcing_notice_utc_s <= a.planned_utc_s)

    def blocks(self, a, n, ops):
        return a.has_agency & (n == 0)

    def reason(self):
        return ("委外催收前须先告知债务人", "The debtor must be told before an outside collector acts")


# --- records ---------------------------------------------------------------------------------


class RetainedRecords(StrEnum):
    """What a retention rule covers, and from when its years run (arrears.retention applies them)."""

    COLLECTION = "collection"  # contact records and notes: from the loan's last collection activity
    PERSONAL_DATA = "personal_data"  # a borrower's identity and contact details: from their last loan's end
    CREDIT_REPORT = "credit_report"  # negative credit records: deleted `years` after the delinquency ended
    AGENCY_COPY = "agency_copy"  # what an agency holds of a case: deleted `years` after its placement ends


@dataclass(frozen=True, kw_only=True)
class RecordsRetention(Rule):
    """How long records are kept; read by `arrears retention run`, not by `decide`. The years are
    the least a record is kept; once they have passed since the record's purpose ended, retention
    deletes or anonymises it."""

    kind: ClassVar[str] = "records_retention"
    checks_actions: ClassVar[bool] = False
    records: RetainedRecords = param(Tighten.FIXED)
    years: int = param(Tighten.HIGHER)

    def blocks(self, a, n, ops):
        return ops.false

    def reason(self):
        return (f"记录至少保存 {self.years} 年", f"Records are kept at least {self.years} years")


@dataclass(frozen=True, kw_only=True)
class CostCeiling(Rule):
    """The most a loan may cost a year, interest, penalty and fees together (basis points of the
    principal in use); read where products are loaded, not by `decide`: no product's cost cap may
    exceed it (ledger/catalogue.py)."""

    kind: ClassVar[str] = "cost_ceiling"
    checks_actions: ClassVar[bool] = False
    annual_cost_bp: int = param(Tighten.LOWER)

    def blocks(self, a, n, ops):
        return ops.false

    def reason(self):
        percent = f"{self.annual_cost_bp // 100}.{self.annual_cost_bp % 100:02d}%"
        return (f"年化综合成本不得超过 {percent}", f"The annualised cost may not exceed {percent}")


@dataclass(frozen=True, kw_only=True)
class CreditReporting(Rule):
    """When the lender reports to the credit bureau: every business day (`daily`), or once a month on
    `day_of_month` (0: the month's last day; a day past the month's end is its last day). Read by the nightly
    run's credit step (arrears.credit.schedule), not by `decide`. A policy may turn daily reporting on, never
    off, and may move the monthly day."""

    kind: ClassVar[str] = "credit_reporting"
    checks_actions: ClassVar[bool] = False
    daily: bool = param(Tighten.KEEP_ON)
    day_of_month: int = param(Tighten.LENDER_CHOICE)

    def blocks(self, a, n, ops):
        return ops.false

    def reason(self):
        if self.daily:
            return ("每个工作日报送征信", "The credit report goes out every business day")
        day = "月末" if self.day_of_month == 0 else f"每月 {self.day_of_month} 日"
        day_en = "the month's last day" if self.day_of_month == 0 else f"day {self.day_of_month} of each month"
        return (f"征信报送日：{day}", f"The credit report goes out on {day_en}")


RULE_KINDS: dict[str, type[Rule]] = {
    kind.kind: kind
    for kind in (
        ContactHours,
        QuietDays,
        UnansweredPerContactPoint,
        EffectiveCallsPerDebtor,
        CallsInWindow,
        WaitAfterConversation,
        MonthlyVisits,
        VisitCollectors,
        VisitAdvanceNotice,
        ThirdPartyUnreachable,
        ThirdPartyTemplates,
        ThirdPartyRelations,
        ContactPointKnown,
        DoNotContact,
        ContactPointValid,
        ContactPointVerified,
        ContactPointConsent,
        ChannelOptOutRule,
        ElectronicOptOutNotice,
        AccountHoldRule,
        LegalHoldRule,
        ValidationNotice,
        TimeBarred,
        AgencyAuthorityRule,
        AgencyWhitelist,
        OutsourcingNotice,
        RecordsRetention,
        CostCeiling,
        CreditReporting,
    )
}


def count_matching(rule: Rule, a: Row, rows: list[Row], distinct: str | None) -> int:
    matching = [row for row in rows if rule.matches(a, row, PythonOps)]
    if distinct is None:
        return len(matching)
    return len({getattr(row, distinct) for row in matching})


def violation(rule: Rule) -> Violation:
    zh, en = rule.reason()
    return Violation(rule_id=rule.rule_id, reason_zh=zh, reason_en=en)


def decide(action: Action, context: Context, profile) -> Decision:
    """Judge one action against every rule of `profile` (a `profiles.Profile`)."""
    a = action_features(action)
    if context.debtor_id != action.debtor_id:
        raise InputError(
            f"行动 {action.action_id} 属于债务人 {action.debtor_id}，上下文却属于 {context.debtor_id}",
            f"Action {action.action_id} is for debtor {action.debtor_id} but the context is for {context.debtor_id}",
        )
    rows_by_source: dict[str, list[Row]] = {}
    violations = []
    for rule in profile.action_rules:
        n = 0
        if rule.source is not None:
            if rule.source not in rows_by_source:
                rows_by_source[rule.source] = source_rows(rule.source, a, context)
            n = count_matching(rule, a, rows_by_source[rule.source], SOURCES[rule.source].distinct)
        if rule.blocks(a, n, PythonOps):
            violations.append(violation(rule))
    return Decision(action_id=action.action_id, allowed=not violations, violations=tuple(violations))
