"""A loan's holds as people read them: each with its state at an instant, in words, and whether the
reader may release it — shared by the account page, the API and the command line.

    lines = hold_lines(loan.pk, user=request.user)     # newest first, judged now
    placeable_kinds(request.user)                      # the kinds the reader's role may place
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from arrears import clock
from arrears.cases.holds import KINDS, kind_words, may_place, may_release, scope_words

IN_FORCE = "in_force"
ENDED = "ended"
UPCOMING = "upcoming"  # placed to start later (the service allows a `since` ahead)

STATE_WORDS = {
    IN_FORCE: ("生效中", "in force"),
    ENDED: ("已结束", "ended"),
    UPCOMING: ("尚未生效", "not yet in force"),
}
# how a hold was placed: the pages, the API and the command line, or an outcome's effect
SOURCE_WORDS = {
    "web": ("网页", "web page"),
    "api": ("接口", "API"),
    "cli": ("命令行", "command line"),
    "workbench": ("工作台联系记录", "a contact recorded in the workbench"),
    "agency": ("委外机构记录", "a contact recorded by an agency"),
    "visit": ("上门记录", "a visit's record"),
}


def state_at(hold, at: dt.datetime) -> str:
    if hold.since > at:
        return UPCOMING
    if hold.until is not None and hold.until <= at:
        return ENDED
    return IN_FORCE


@dataclass(frozen=True, slots=True)
class HoldLine:
    """One hold as shown: `state` is IN_FORCE, ENDED or UPCOMING at the instant it was judged."""

    hold: object  # cases.AccountHold, with placed_by and released_by loaded
    state: str
    may_release: bool  # the reader's role may release this kind, and the hold has not ended

    @property
    def in_force(self) -> bool:
        return self.state == IN_FORCE

    @property
    def kind_zh(self) -> str:
        return kind_words(self.hold.kind)[0]

    @property
    def kind_en(self) -> str:
        return kind_words(self.hold.kind)[1]

    @property
    def scope_zh(self) -> str:
        return scope_words(self.hold)[0]

    @property
    def scope_en(self) -> str:
        return scope_words(self.hold)[1]

    @property
    def state_zh(self) -> str:
        return STATE_WORDS[self.state][0]

    @property
    def state_en(self) -> str:
        return STATE_WORDS[self.state][1]

    @property
    def source_zh(self) -> str:
        return SOURCE_WORDS.get(self.hold.source, (self.hold.source or "—",))[0]

    @property
    def source_en(self) -> str:
        return SOURCE_WORDS.get(self.hold.source, (None, self.hold.source or "—"))[1]


def line_of(hold, *, user=None, at: dt.datetime | None = None) -> HoldLine:
    state = state_at(hold, at or clock.now())
    return HoldLine(hold=hold, state=state, may_release=state != ENDED and user is not None and may_release(user, hold.kind))


def hold_lines(loan_id: int, *, user=None, at: dt.datetime | None = None) -> list[HoldLine]:
    """Every hold of the loan, newest first, judged at `at` (default now)."""
    from arrears.cases.models import AccountHold

    at = at or clock.now()
    holds = AccountHold.objects.filter(loan_id=loan_id).select_related("placed_by", "released_by", "scope_agency", "scope_collector").order_by("-since", "-pk")
    return [line_of(hold, user=user, at=at) for hold in holds]


def placeable_kinds(user) -> tuple[str, ...]:
    """The kinds of hold `user`'s role may place, in the service's order."""
    return tuple(kind for kind in KINDS if may_place(user, kind))
