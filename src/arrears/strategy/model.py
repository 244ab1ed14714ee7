"""A loaded strategy: frozen records of segments, their owners and cadences.

    >>> Action(Channel.SMS, "reminder", every=7, from_dpd=4).due_on(11)
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from arrears.strategy.expressions import Expression


class Owner(StrEnum):
    """Who works the accounts of a segment."""

    AUTOMATED = "automated"
    INTERNAL_QUEUE = "internal_queue"
    AGENCY_POOL = "agency_pool"
    VISIT_REVIEW = "visit_review"
    LEGAL_REVIEW = "legal_review"


class Channel(StrEnum):
    """How an action reaches the borrower, or which review it asks for."""

    SMS = "sms"
    EMAIL = "email"
    APP_PUSH = "app_push"
    LETTER = "letter"
    CALL = "call"
    VISIT_REQUEST = "visit_request"
    LEGAL_REVIEW = "legal_review"
    FORBEARANCE_OFFER = "forbearance_offer"


class Arm(StrEnum):
    CHAMPION = "champion"
    CHALLENGER = "challenger"


class Ranking(StrEnum):
    """How the in-house queue orders a challenger's accounts: as every other account (`queue`: the
    overdue amount times the propensity score), or by the model and the day's optimiser (`optimised`:
    the marginal value of a call, `arrears.intelligence.arm`)."""

    QUEUE = "queue"
    OPTIMISED = "optimised"


@dataclass(frozen=True, slots=True)
class Action:
    """One step of a cadence: `channel` with `template`, on the days past due in `on_dpd`, or
    every `every` days from `from_dpd` on; at most `attempts` a day."""

    channel: Channel
    template: str
    attempts: int = 1
    on_dpd: tuple[int, ...] = ()
    every: int | None = None
    from_dpd: int | None = None

    def due_on(self, days_past_due: int) -> bool:
        if self.every is None:
            return days_past_due in self.on_dpd
        start = self.from_dpd or 0
        return days_past_due >= start and (days_past_due - start) % self.every == 0


@dataclass(frozen=True, slots=True)
class Challenger:
    """An alternative cadence tried on `share` percent (1–99) of a segment's accounts."""

    name: str
    share: int
    cadence: tuple[Action, ...]
    ranking: Ranking = Ranking.QUEUE

    @property
    def optimised(self) -> bool:
        return self.ranking == Ranking.OPTIMISED


@dataclass(frozen=True, slots=True)
class Segment:
    """Accounts matching `when` (the first segment that matches wins), worked by `owner`.

    `priority`: higher is worked first. `line`: where the segment starts in its document.
    """

    id: str
    label_zh: str
    label_en: str
    when: Expression
    owner: Owner
    priority: int
    cadence: tuple[Action, ...]
    challenger: Challenger | None = None
    line: int = field(default=0, compare=False)

    def cadence_for(self, arm: Arm | str) -> tuple[Action, ...]:
        if arm == Arm.CHALLENGER and self.challenger is not None:
            return self.challenger.cadence
        return self.cadence


@dataclass(frozen=True, slots=True)
class Strategy:
    """A named, versioned, ordered list of segments."""

    name: str
    version: int
    segments: tuple[Segment, ...]

    def segment(self, segment_id: str) -> Segment:
        for segment in self.segments:
            if segment.id == segment_id:
                return segment
        raise KeyError(segment_id)
