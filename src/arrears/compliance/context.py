"""What the guard is asked about (a candidate action) and what it knows (the debtor's context).

All instants are aware datetimes stored in UTC; the borrower's IANA time zone travels with the
action, and every window (hours, days, months) is judged in it.

    action = Action.planned_at_local(
        dt.datetime(2026, 3, 2, 21, 59), "Asia/Shanghai",
        action_id="a1", debtor_id="d1", loan_id="L1", debt_id="L1",
        party=Party.DEBTOR, relation=Relation.SELF, channel=Channel.CALL,
        contact_point_id="tel-1", template_kind=TemplateKind.COLLECTION,
    )
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from arrears.compliance.local_time import zone
from arrears.compliance.vocabulary import Channel, Hold, Outcome, Party, Relation, TemplateKind
from arrears.errors import InputError

ActionId = str
DebtorId = str
LoanId = str
DebtId = str
ContactPointId = str
AgencyId = str


def _word(enum: type[StrEnum], value, what: str):
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InputError(f"{what} 的值 {value!r} 无效（可选：{allowed}）", f"Invalid {what} {value!r} (one of: {allowed})") from None


def _utc(instant: dt.datetime | None, what: str) -> dt.datetime | None:
    if instant is None:
        return None
    if not isinstance(instant, dt.datetime) or instant.tzinfo is None or instant.utcoffset() is None:
        raise InputError(f"{what} 必须是带时区的时间：{instant!r}", f"{what} must be an aware datetime: {instant!r}")
    return instant.astimezone(dt.timezone.utc)


def _set(obj, name: str, value) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True, kw_only=True, slots=True)
class Action:
    """A candidate contact or step, as planned or as about to be sent.

    contact_point_id: the phone number, address or app installation used; None only for `legal`.
    agency_id: the outside agency that would act, None when the lender acts itself.
    collectors: for a visit, how many collectors go.
    advance_notice: for a visit, whether the borrower was told its time and purpose beforehand.
    opt_out_notice: for an electronic message, whether it tells the reader how to opt out.
    """

    action_id: ActionId
    debtor_id: DebtorId
    loan_id: LoanId
    debt_id: DebtId
    party: Party
    relation: Relation
    channel: Channel
    contact_point_id: ContactPointId | None
    template_kind: TemplateKind
    planned_utc: dt.datetime
    time_zone: str
    agency_id: AgencyId | None = None
    collectors: int = 0
    advance_notice: bool = False
    opt_out_notice: bool = False

    def __post_init__(self) -> None:
        for name, enum in (("party", Party), ("relation", Relation), ("channel", Channel), ("template_kind", TemplateKind)):
            _set(self, name, _word(enum, getattr(self, name), name))
        if (self.party == Party.DEBTOR) != (self.relation == Relation.SELF):
            raise InputError(
                f"行动 {self.action_id}：债务人的关系必须是 self，第三方不能是 self",
                f"Action {self.action_id}: a debtor's relation must be 'self', and a third party's must not",
            )
        _set(self, "planned_utc", _utc(self.planned_utc, "planned_utc"))
        zone(self.time_zone)
        if self.collectors < 0:
            raise InputError(f"行动 {self.action_id}：催收员人数不能为负", f"Action {self.action_id}: collectors cannot be negative")

    @classmethod
    def planned_at_local(cls, local: dt.datetime, time_zone: str, **fields) -> Action:
        """An action planned at a wall-clock time in the borrower's zone (an ambiguous time takes
        its first occurrence; a time skipped by a clock change is refused)."""
        if local.tzinfo is not None:
            raise InputError("本地时间不应带时区", "A local wall-clock time must be naive")
        tz = zone(time_zone)
        aware = local.replace(tzinfo=tz, fold=0)
        if aware.astimezone(dt.timezone.utc).astimezone(tz).replace(tzinfo=None) != local:
            raise InputError(f"{local} 在 {time_zone} 不存在（时钟调整）", f"{local} does not exist in {time_zone} (clock change)")
        return cls(planned_utc=aware.astimezone(dt.timezone.utc), time_zone=time_zone, **fields)

    @property
    def planned_local(self) -> dt.datetime:
        return self.planned_utc.astimezone(zone(self.time_zone))


@dataclass(frozen=True, kw_only=True, slots=True)
class Attempt:
    """One past contact attempt with the debtor or a third party.

    debt_ids: every debt the attempt was about (a conversation can cover several); empty if none.
    loan_id: the account it was made for (visits are capped per account); None if not known.
    conversation: a telephone conversation took place with the person called.
    outcome: None while it is not known (a message sent, no receipt yet).
    """

    attempt_id: str
    at_utc: dt.datetime
    channel: Channel
    contact_point_id: ContactPointId | None
    outcome: Outcome | None
    party: Party = Party.DEBTOR
    debt_ids: tuple[DebtId, ...] = ()
    loan_id: LoanId | None = None
    template_kind: TemplateKind | None = None
    conversation: bool = False

    def __post_init__(self) -> None:
        for name, enum in (("channel", Channel), ("party", Party)):
            _set(self, name, _word(enum, getattr(self, name), name))
        if self.outcome is not None:
            _set(self, "outcome", _word(Outcome, self.outcome, "outcome"))
        if self.template_kind is not None:
            _set(self, "template_kind", _word(TemplateKind, self.template_kind, "template_kind"))
        _set(self, "at_utc", _utc(self.at_utc, "at_utc"))
        _set(self, "debt_ids", tuple(self.debt_ids))


@dataclass(frozen=True, kw_only=True, slots=True)
class ContactPoint:
    """A phone number, address, e-mail or app installation and what is known about it.

    consent: its holder agreed to be contacted there (for a third party: named by the debtor with
    the holder's agreement, never taken from an address book).
    """

    contact_point_id: ContactPointId
    consent: bool = False
    do_not_contact: bool = False
    valid: bool = True
    verified: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class AccountHold:
    """A hold on one loan, or on every loan of the debtor when `loan_id` is None.

    agency_id: it binds only that agency's actions; channel: only actions on that channel; None: all.
    """

    hold: Hold
    loan_id: LoanId | None = None
    agency_id: AgencyId | None = None
    channel: Channel | None = None

    def __post_init__(self) -> None:
        _set(self, "hold", _word(Hold, self.hold, "hold"))
        if self.channel is not None:
            _set(self, "channel", _word(Channel, self.channel, "channel"))


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelOptOut:
    """"Stop using this channel": at one contact point, or at all of them when None.

    confirmed: the one confirmation of the request has been sent.
    """

    channel: Channel
    contact_point_id: ContactPointId | None = None
    confirmed: bool = False

    def __post_init__(self) -> None:
        _set(self, "channel", _word(Channel, self.channel, "channel"))


@dataclass(frozen=True, kw_only=True, slots=True)
class LoanFacts:
    """outsourcing_notice_utc: when the debtor was told the account goes to an outside collector."""

    loan_id: LoanId
    outsourcing_notice_utc: dt.datetime | None = None

    def __post_init__(self) -> None:
        _set(self, "outsourcing_notice_utc", _utc(self.outsourcing_notice_utc, "outsourcing_notice_utc"))


@dataclass(frozen=True, kw_only=True, slots=True)
class DebtFacts:
    """initial_communication_utc: the first communication about the debt; None before it.
    validation_notice_utc: when the validation notice went out; None if it has not.
    time_barred: the limitation period for suing on the debt has run out."""

    debt_id: DebtId
    initial_communication_utc: dt.datetime | None = None
    validation_notice_utc: dt.datetime | None = None
    time_barred: bool = False

    def __post_init__(self) -> None:
        _set(self, "initial_communication_utc", _utc(self.initial_communication_utc, "initial_communication_utc"))
        _set(self, "validation_notice_utc", _utc(self.validation_notice_utc, "validation_notice_utc"))


@dataclass(frozen=True, kw_only=True, slots=True)
class AgencyAuthority:
    """What an agency's contract lets it do, for how long; a hook until contracts are modelled.

    valid_until: exclusive; None for an open-ended contract.
    whitelisted: the agency is on the whitelist the lender publishes on its website.
    """

    agency_id: AgencyId
    channels: frozenset[Channel]
    valid_from: dt.datetime
    valid_until: dt.datetime | None = None
    whitelisted: bool = False

    def __post_init__(self) -> None:
        _set(self, "channels", frozenset(_word(Channel, channel, "channel") for channel in self.channels))
        _set(self, "valid_from", _utc(self.valid_from, "valid_from"))
        _set(self, "valid_until", _utc(self.valid_until, "valid_until"))


@dataclass(frozen=True, kw_only=True, slots=True)
class Context:
    """Everything the guard knows about one debtor when it judges an action.

    consecutive_failed_attempts: failed attempts to reach the debtor since the last success
    (失联 is judged on it). Visits this month are read from `history` (channel `visit`).
    """

    debtor_id: DebtorId
    consecutive_failed_attempts: int = 0
    holds: tuple[AccountHold, ...] = ()
    opt_outs: tuple[ChannelOptOut, ...] = ()
    contact_points: tuple[ContactPoint, ...] = ()
    history: tuple[Attempt, ...] = ()
    loans: tuple[LoanFacts, ...] = ()
    debts: tuple[DebtFacts, ...] = ()
    agencies: tuple[AgencyAuthority, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("holds", "opt_outs", "contact_points", "history", "loans", "debts", "agencies"):
            _set(self, name, tuple(getattr(self, name)))
